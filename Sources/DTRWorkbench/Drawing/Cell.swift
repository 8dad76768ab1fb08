/// One terminal cell: a single Unicode scalar (one column wide) and its style.
public struct Cell: Hashable, Sendable {
  /// The character drawn.
  public var char: Unicode.Scalar
  /// How it is drawn.
  public var style: Style

  /// A cell.
  public init(_ char: Unicode.Scalar, _ style: Style) {
    self.char = char
    self.style = style
  }
}
