import XCTest

/// Asserts that `body` throws an `E` whose description is one line, starts with `path` and contains every
/// string in `mentions` (case-insensitive): the shape of every file error in the project.
public func assertOneLineError<E: Error & CustomStringConvertible, T>(
  _ type: E.Type, _ body: @autoclosure () throws -> T, path: String, mentions: [String] = [],
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertThrowsError(try body(), file: file, line: line) { error in
    guard let error = error as? E else {
      return XCTFail("expected a \(E.self), got \(error)", file: file, line: line)
    }
    let text = error.description
    XCTAssertFalse(text.contains("\n"), "multi-line error: \(text)", file: file, line: line)
    XCTAssertTrue(text.hasPrefix(path), "error does not start with \(path): \(text)", file: file, line: line)
    for m in mentions {
      XCTAssertTrue(text.lowercased().contains(m.lowercased()), "error lacks '\(m)': \(text)", file: file, line: line)
    }
  }
}
