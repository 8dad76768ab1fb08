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
