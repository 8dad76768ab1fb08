import DTRTestSupport
import DTRData
import DTRFormats
import Foundation
import XCTest

/// A fresh directory under the system temporary directory, removed by `cleanUp`.
final class TemporaryDirectory {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "/dtr-formats-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// `path/name`.
  func file(_ name: String) -> String { "\(path)/\(name)" }

  /// The names of the entries in the directory, sorted.
  func listing() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }

  func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a Python 3 script with `/usr/bin/python3`; returns nil if Python (or a module the script
/// needs, reported by exit status 77) is not available.
func runPython(_ script: String, _ arguments: [String] = []) throws -> String? {
  let python = "/usr/bin/python3"
  guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
  let result = try PythonScript.run(python: python, script, arguments)
  if result.status == 77 { return nil }
  guard result.status == 0 else {
    throw NSError(domain: "python", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.errors])
  }
  return String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Asserts that `body` throws a ``FormatError`` whose one-line description names `path` and
/// contains every string in `mentions` (case-insensitive).
func assertFormatError<T>(_ body: @autoclosure () throws -> T, path: String = "<memory>", mentions: [String] = [],
                          file: StaticString = #filePath, line: UInt = #line) {
  XCTAssertThrowsError(try body(), file: file, line: line) { error in
    guard let error = error as? FormatError else {
      return XCTFail("expected a FormatError, got \(error)", file: file, line: line)
    }
    assertOneLine(error.description, path: path, mentions: mentions, file: file, line: line)
  }
}

/// Asserts that `body` throws a ``DataError`` whose description names `path` and contains `mentions`.
func assertDataError<T>(_ body: @autoclosure () throws -> T, path: String, mentions: [String] = [],
                        file: StaticString = #filePath, line: UInt = #line) {
  XCTAssertThrowsError(try body(), file: file, line: line) { error in
    guard let error = error as? DataError else {
      return XCTFail("expected a DataError, got \(error)", file: file, line: line)
    }
    assertOneLine(error.description, path: path, mentions: mentions, file: file, line: line)
  }
}

/// Checks an error description: one line, starting with `path`, mentioning each of `mentions`.
private func assertOneLine(_ text: String, path: String, mentions: [String], file: StaticString, line: UInt) {
  XCTAssertFalse(text.contains("\n"), "multi-line error: \(text)", file: file, line: line)
  XCTAssertTrue(text.hasPrefix(path), "error does not start with \(path): \(text)", file: file, line: line)
  for m in mentions {
    XCTAssertTrue(text.lowercased().contains(m.lowercased()), "error lacks '\(m)': \(text)", file: file, line: line)
  }
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

/// The four big-endian bytes of `value`.
func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

/// Deterministic pseudo-random bytes.
func testBytes(_ count: Int, seed: UInt64) -> [UInt8] {
  var state = seed
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return UInt8(truncatingIfNeeded: state >> 33)
  }
}
