import DTRData
import DTRTestSupport

/// Asserts that `body` throws a ``DataError`` whose one-line description names `path` and contains
/// every string in `mentions` (case-insensitive).
func assertDataError<T>(_ body: @autoclosure () throws -> T, path: String, mentions: [String] = [],
                        file: StaticString = #filePath, line: UInt = #line) {
  assertOneLineError(DataError.self, try body(), path: path, mentions: mentions, file: file, line: line)
}
