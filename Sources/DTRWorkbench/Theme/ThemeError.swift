/// Why a theme file was rejected.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
  /// A message naming the file, line and what was expected.
  public let description: String
}
