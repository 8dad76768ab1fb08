/// The error thrown for a caption the grammar or the vocabulary does not accept.
///
/// Its ``description`` is one line: `caption "TEXT": problem — fix`.
public struct CaptionError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The caption as given.
  public let caption: String
  /// What is wrong, in words.
  public let problem: String
  /// How to write it instead.
  public let fix: String

  /// An error about `caption`.
  public init(_ caption: String, _ problem: String, fix: String) {
    self.caption = caption
    self.problem = problem
    self.fix = fix
  }

  /// `caption "TEXT": problem — fix`, on one line.
  public var description: String { "caption \"\(caption)\": \(problem) — \(fix)" }
}
