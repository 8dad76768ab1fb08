import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files atomically: readers see either the old contents or the complete new contents,
/// never a partly written file, even if the process dies mid-write.
public enum AtomicFile {
  /// Writes `bytes` to `path`: first to a temporary file in the same directory, which is flushed to
  /// disk with `fsync`, then renamed over `path` with `rename(2)`. The temporary file is removed if
  /// anything fails.
  public static func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw FormatError(path, "cannot create temporary file: \(lastErrno())") }
    do {
      try bytes.withUnsafeBytes { try writeAll($0, fd: fd, path: path) }
      guard fsync(fd) == 0 else { throw FormatError(path, "fsync failed: \(lastErrno())") }
      guard close(fd) == 0 else { throw FormatError(path, "close failed: \(lastErrno())") }
    } catch {
      close(fd)
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let reason = lastErrno()
      unlink(temporary)
      throw FormatError(path, "cannot rename temporary file into place: \(reason)")
    }
    syncDirectory(directory)
  }

  /// Writes the whole buffer, retrying short writes and interrupted calls.
  private static func writeAll(_ buffer: UnsafeRawBufferPointer, fd: Int32, path: String) throws {
    var offset = 0
    while offset < buffer.count {
      let n = Foundation.write(fd, buffer.baseAddress! + offset, min(buffer.count - offset, 1 << 30))
      if n < 0 {
        if errno == EINTR { continue }
        throw FormatError(path, "write failed: \(lastErrno())")
      }
      offset += n
    }
  }

  /// Flushes the directory entry so the rename itself survives a crash (best effort).
  private static func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
  }

  /// The current `errno` as text.
  private static func lastErrno() -> String { String(cString: strerror(errno)) }
}
