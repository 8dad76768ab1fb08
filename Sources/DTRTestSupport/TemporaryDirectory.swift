import Foundation

/// A fresh directory under the system temporary directory, removed by ``cleanUp()``.
public final class TemporaryDirectory {
  /// The directory's path.
  public let path: String

  /// Creates a uniquely named directory.
  public init() {
    path = NSTemporaryDirectory() + "/dtr-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// `path/name`.
  public func file(_ name: String) -> String { "\(path)/\(name)" }

  /// The names of the entries in the directory, sorted.
  public func listing() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }

  /// Removes the directory and everything in it.
  public func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}
