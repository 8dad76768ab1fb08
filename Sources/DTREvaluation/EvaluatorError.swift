/// A problem with the evaluator's files or inputs, described on one line that names the file and the fix.
public struct EvaluatorError: Error, CustomStringConvertible, Sendable {
  /// The message.
  public let description: String

  /// Wraps a message.
  public init(_ description: String) { self.description = description }
}
