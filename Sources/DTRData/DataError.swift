/// The error thrown by `DTRData`: a missing, unreadable or corrupt data file, or a bad loader state.
///
/// Its ``description`` is one line naming the file, the problem and, when there is one, the fix.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file or directory concerned.
  public let path: String
  /// What is wrong, in words.
  public let problem: String
  /// How to fix it, if known.
  public let fix: String?

  /// An error about `path`, with an optional `fix`.
  public init(_ path: String, _ problem: String, fix: String? = nil) {
    self.path = path
    self.problem = problem
    self.fix = fix
  }

  /// `path: problem — fix`, on one line.
  public var description: String { "\(path): \(problem)" + (fix.map { " — \($0)" } ?? "") }
}
