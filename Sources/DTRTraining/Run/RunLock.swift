import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The exclusive claim of one trainer on a run directory: `flock` on `RUN/lock`, which records the
/// holder's pid, host and start time.
///
/// The kernel releases the lock when the holding process ends, however it ends (`kill -9` included), so a
/// lock left behind by a dead trainer is simply taken over. While a trainer holds it, a second one is
/// refused with one line naming the holder.
public final class RunLock: @unchecked Sendable {
  /// Who holds a run: what the lock file records.
  public struct Holder: Sendable, Equatable, CustomStringConvertible {
    /// Process id, host name and start time (ISO 8601) of the holding trainer.
    public var pid: Int32, host: String, started: String

    /// `pid 1234 on host since 2026-12-01T21:40:41Z`.
    public var description: String { "pid \(pid) on \(host) since \(started)" }

    init?(_ text: String) {
      let fields = text.split(separator: " ", maxSplits: 2).map(String.init)
      guard fields.count == 3, let pid = Int32(fields[0]) else { return nil }
      (self.pid, host, started) = (pid, fields[1], fields[2].trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  private let fd: Int32
  /// The lock file.
  public let path: String

  /// Takes the lock on `runDirectory` (created if missing) or throws naming the trainer that holds it.
  public init(runDirectory: String) throws {
    try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    path = runDirectory + "/lock"
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw TrainingError("cannot open \(path): \(String(cString: strerror(errno))); check that the run directory is writable")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let holder = Self.read(fd: fd).map { "\($0)" } ?? "another process"
      close(fd)
      throw TrainingError("\(runDirectory) is being trained by \(holder); stop that trainer first "
        + "(dtr attach \(runDirectory), then x) or choose another --run-dir")
    }
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count)
    let started = ISO8601DateFormatter().string(from: Date())
    let record = "\(getpid()) \(String(cString: host)) \(started)\n"
    ftruncate(fd, 0)
    _ = record.withCString { pwrite(fd, $0, strlen($0), 0) }
  }

  /// The trainer holding `runDirectory`, or nil when none does (no lock file, or its holder has ended).
  public static func holder(of runDirectory: String) -> Holder? {
    let fd = open(runDirectory + "/lock", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    if flock(fd, LOCK_SH | LOCK_NB) == 0 {
      flock(fd, LOCK_UN)
      return nil
    }
    return read(fd: fd)
  }

  private static func read(fd: Int32) -> Holder? {
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = pread(fd, &buffer, buffer.count, 0)
    return n > 0 ? Holder(String(decoding: buffer[..<n], as: UTF8.self)) : nil
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
