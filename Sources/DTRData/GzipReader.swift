import CZlib
import Foundation

/// Reads whole files through zlib's gzip reader, which also passes uncompressed files through as is.
enum GzipReader {
  /// The decompressed contents of `path` (or its raw contents if it is not gzip-compressed).
  static func readAll(_ path: String) throws -> [UInt8] {
    guard let file = gzopen(path, "rb") else {
      throw DataError(path, "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { gzclose(file) }
    gzbuffer(file, 1 << 20)
    // One byte more than the expected size, so the read that finds the end needs no new buffer.
    var out = [UInt8](repeating: 0, count: expectedSize(path) + 1)
    var filled = 0
    while true {
      if filled == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
      let n = out.withUnsafeMutableBytes { buffer in
        gzread(file, buffer.baseAddress! + filled, UInt32(min(buffer.count - filled, 1 << 30)))
      }
      if n <= 0 { break }
      filled += Int(n)
    }
    var status: Int32 = Z_OK
    let message = String(cString: gzerror(file, &status))
    guard status == Z_OK else {
      let problem = status == Z_BUF_ERROR ? "compressed data ends early (truncated file)" : "cannot decompress: \(message)"
      throw DataError(path, problem)
    }
    out.removeSubrange(filled...)
    return out
  }

  /// A guess of the decompressed size: the gzip trailer's size field (capped at 256 MiB, since it
  /// only holds the size modulo 2³²) or the size of an uncompressed file.
  private static func expectedSize(_ path: String) -> Int {
    guard let handle = FileHandle(forReadingAtPath: path) else { return 1 << 20 }
    defer { try? handle.close() }
    guard let size = try? handle.seekToEnd(), size >= 18 else { return 1 << 20 }
    try? handle.seek(toOffset: 0)
    let head = handle.readData(ofLength: 2)
    guard head == Data([0x1F, 0x8B]) else { return Int(size) }
    try? handle.seek(toOffset: size - 4)
    let trailer = [UInt8](handle.readData(ofLength: 4))
    guard trailer.count == 4 else { return 1 << 20 }
    let isize = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    return min(isize, 1 << 28)
  }
}
