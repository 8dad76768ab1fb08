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
