import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Commands in: `RUN/control.jsonl`, appended by any process and polled by the run's trainer.
///
/// Writers append one line under an exclusive `flock` on the file, so lines never interleave; the
/// trainer reads new lines under the same lock and, once it has consumed everything and the file passed
/// ``truncateAbove`` bytes, truncates it, so the file never grows without bound.
public enum ControlChannel {
  /// Bytes after which a fully consumed file is truncated.
  public static let truncateAbove = 64 << 10

  /// Appends one command to the run's control file.
  public static func send(_ command: ControlCommand, to folder: RunFolder) throws {
    let fd = open(folder.control, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw TrainingError("cannot write \(folder.control): \(String(cString: strerror(errno))); check the run directory's permissions")
    }
    defer { close(fd) }
    flock(fd, LOCK_EX)
    defer { flock(fd, LOCK_UN) }
    let line = command.line + "\n"
    let written = line.withCString { write(fd, $0, strlen($0)) }
    guard written == line.utf8.count else {
      throw TrainingError("short write to \(folder.control): \(String(cString: strerror(errno)))")
    }
  }

  /// The trainer's end of the channel: new lines since the last poll.
  public final class Inbox: @unchecked Sendable {
    /// What a poll found on one line.
    public typealias Line = Result<ControlCommand, TrainingError>

    private let path: String
    private var offset: Int = 0

    /// The inbox of `folder`, read from the start of its control file.
    public init(folder: RunFolder) {
      path = folder.control
    }

    /// Discards lines written while no trainer was running (nobody would have answered them); returns
    /// how many there were.
    public func discardBacklog() -> Int {
      var discarded = 0
      locked { fd in
        discarded = Self.read(fd, from: 0).lines.count
        ftruncate(fd, 0)
        offset = 0
      }
      return discarded
    }

    /// New complete lines, parsed, oldest first. Cheap when nothing arrived (one `stat`).
    public func poll() -> [Line] {
      var st = stat()
      guard stat(path, &st) == 0, Int(st.st_size) != offset else { return [] }
      var out: [Line] = []
      locked { fd in
        if Int(lseek(fd, 0, SEEK_END)) < offset { offset = 0 }  // truncated or replaced by someone else
        let (lines, consumed) = Self.read(fd, from: offset)
        offset += consumed
        out = lines.map { ControlCommand.parse($0) }
        if offset > ControlChannel.truncateAbove && Int(lseek(fd, 0, SEEK_END)) == offset {
          ftruncate(fd, 0)
          offset = 0
        }
      }
      return out
    }

    private func locked(_ body: (Int32) -> Void) {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else { return }
      defer { close(fd) }
      flock(fd, LOCK_EX)
      defer { flock(fd, LOCK_UN) }
      body(fd)
    }

    /// Complete, non-blank lines from `start` and the bytes they span (a partial last line waits).
    private static func read(_ fd: Int32, from start: Int) -> (lines: [Substring], consumed: Int) {
      let end = Int(lseek(fd, 0, SEEK_END))
      guard end > start else { return ([], 0) }
      var bytes = [UInt8](repeating: 0, count: end - start)
      let n = pread(fd, &bytes, bytes.count, off_t(start))
      guard n > 0, let lastNewline = bytes[..<n].lastIndex(of: UInt8(ascii: "\n")) else { return ([], 0) }
      let text = String(decoding: bytes[..<lastNewline], as: UTF8.self)
      let lines = text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
      return (lines, lastNewline + 1)
    }
  }
}
