/// The error thrown by every reader and writer in `DTRFormats`.
///
/// Its ``description`` is one line naming the file (or in-memory source) and the problem, e.g.
/// `model.safetensors: header length 4096 runs past the end of the file (120 bytes)`.
public struct FormatError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file path, or a label such as `<memory>` for data decoded from memory.
  public let path: String
  /// What is wrong, in words.
  public let problem: String

  /// An error about `path`.
  public init(_ path: String, _ problem: String) {
    self.path = path
    self.problem = problem
  }

  /// `path: problem`, on one line.
  public var description: String { "\(path): \(problem)" }
}
