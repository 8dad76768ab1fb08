import DTRFormats
import DTRTestSupport

/// Asserts that `body` throws a ``FormatError`` whose one-line description names `path` and
/// contains every string in `mentions` (case-insensitive).
func assertFormatError<T>(_ body: @autoclosure () throws -> T, path: String = "<memory>", mentions: [String] = [],
                          file: StaticString = #filePath, line: UInt = #line) {
  assertOneLineError(FormatError.self, try body(), path: path, mentions: mentions, file: file, line: line)
}

/// Standard CRC-32 (as in PNG and zlib), for building test files by hand.
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}
