/// A 24-bit colour. Themes speak in these; the terminal layer maps them to whatever the terminal has.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
  /// Channels, 0–255.
  public var r, g, b: UInt8

  /// A colour from its channels.
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Perceived brightness, 0…1 (Rec. 709 weights).
  public var luminance: Double { (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255 }

  /// `#rrggbb`.
  public var description: String {
    "#" + [r, g, b].map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined()
  }

  /// The colour a fraction `f` (0…1) of the way from `self` to `other`.
  public func mixed(with other: RGB, _ f: Double) -> RGB {
    let t = min(max(f, 0), 1)
    func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
    return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
  }
}

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

/// A rectangle of cells: `x`, `y` of the top-left corner, `width`, `height`.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  /// Top-left corner and size, in cells.
  public var x, y, width, height: Int

  /// A rectangle; negative sizes become empty.
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The rectangle shrunk by `d` cells on every side (a box's inside).
  public func inset(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }

  /// Splits off the top `rows` rows: (top, rest).
  public func splitTop(_ rows: Int) -> (Rect, Rect) {
    let h = min(max(rows, 0), height)
    return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
  }

  /// Splits off the left `cols` columns: (left, rest).
  public func splitLeft(_ cols: Int) -> (Rect, Rect) {
    let w = min(max(cols, 0), width)
    return (Rect(x: x, y: y, width: w, height: height), Rect(x: x + w, y: y, width: width - w, height: height))
  }

  /// Whether the rectangle holds no cells.
  public var isEmpty: Bool { width == 0 || height == 0 }

  public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}

/// An in-memory screen: every panel draws into one, the terminal layer copies it out. Drawing outside
/// the canvas is silently clipped, so panels never need bounds checks of their own.
public struct Canvas: Sendable {
  /// Size in cells.
  public let width, height: Int
  /// Row-major cells.
  public private(set) var cells: [Cell]

  /// A canvas filled with blanks in `style`.
  public init(width: Int, height: Int, style: Style = Style()) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: Cell(" ", style), count: self.width * self.height)
  }

  /// The whole canvas as a rectangle.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at column `x`, row `y` (nil outside).
  public subscript(x: Int, y: Int) -> Cell? {
    guard x >= 0, y >= 0, x < width, y < height else { return nil }
    return cells[y * width + x]
  }

  /// Sets one cell (clipped).
  public mutating func put(_ x: Int, _ y: Int, _ char: Unicode.Scalar, _ style: Style) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    cells[y * width + x] = Cell(char, style)
  }

  /// Writes `text` from column `x` on row `y`, cut at `maxWidth` columns (and at the canvas edge).
  /// Returns the column after the last character written.
  @discardableResult
  public mutating func text(_ x: Int, _ y: Int, _ text: String, _ style: Style, maxWidth: Int = .max) -> Int {
    var cx = x
    for s in text.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
      if cx - x >= maxWidth { break }
      put(cx, y, s.value < 0x20 ? " " : s, style)
      cx += 1
    }
    return cx
  }

  /// Fills a rectangle with `char`.
  public mutating func fill(_ r: Rect, _ char: Unicode.Scalar = " ", _ style: Style) {
    for y in r.y..<(r.y + r.height) {
      for x in r.x..<(r.x + r.width) { put(x, y, char, style) }
    }
  }

  /// The text of row `y`, trailing blanks kept (for tests and plain dumps).
  public func row(_ y: Int) -> String {
    guard y >= 0, y < height else { return "" }
    var s = String.UnicodeScalarView()
    s.append(contentsOf: cells[(y * width)..<((y + 1) * width)].map(\.char))
    return String(s)
  }

  /// The whole canvas as text, one line per row.
  public var plainText: String { (0..<height).map(row).joined(separator: "\n") }
}

extension String {
  /// The string padded on the left to `width` characters.
  func leftPadded(to width: Int, with pad: Character = " ") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }

  /// The string cut to `width` characters, with an ellipsis when cut.
  func truncated(to width: Int, ellipsis: String = "…") -> String {
    guard count > width else { return self }
    guard width > 0 else { return "" }
    return String(prefix(width - 1)) + ellipsis
  }
}
