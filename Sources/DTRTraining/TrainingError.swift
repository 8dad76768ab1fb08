/// A training failure with a one-line, user-facing description that names the problem and the fix.
public struct TrainingError: Error, CustomStringConvertible {
  /// The message.
  public let description: String
  /// Wraps a message.
  public init(_ description: String) { self.description = description }
}
