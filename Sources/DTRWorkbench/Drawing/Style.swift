/// How one cell is drawn: colours (nil = the terminal's default) and attribute bits.
public struct Style: Hashable, Sendable {
  /// Attribute bits, independent of colour (they survive monochrome terminals).
  public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    /// Attributes from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The attribute bits.
    public static let bold = Attributes(rawValue: 1)
    public static let dim = Attributes(rawValue: 2)
    public static let reverse = Attributes(rawValue: 4)
    public static let underline = Attributes(rawValue: 8)
  }

  /// Foreground colour; nil is the terminal's default.
  public var fg: RGB?
  /// Background colour; nil is the terminal's default.
  public var bg: RGB?
  /// Attribute bits.
  public var attrs: Attributes

  /// A style; every part defaults to the terminal's own.
  public init(fg: RGB? = nil, bg: RGB? = nil, attrs: Attributes = []) {
    self.fg = fg
    self.bg = bg
    self.attrs = attrs
  }

  /// This style with more attributes.
  public func with(_ extra: Attributes) -> Style { Style(fg: fg, bg: bg, attrs: attrs.union(extra)) }
}
