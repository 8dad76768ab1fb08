/// The error thrown by `DTRMetrics`: feature sets that do not fit together, too few rows, or an unreadable
/// feature or statistics file, described on one line that names the file when there is one.
public struct MetricError: Error, CustomStringConvertible, Sendable {
  /// The message.
  public let description: String

  /// Wraps a message.
  public init(_ description: String) { self.description = description }
}
