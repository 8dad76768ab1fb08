/// A plotting surface of `cols × rows` cells with 2×4 dots per cell (braille). Each dot belongs to a layer;
/// a cell takes the style of the highest layer among its dots. In ASCII mode a cell with dots shows its
/// top layer's ASCII character instead.
public struct BrailleChart: Sendable {
  /// A series' look: style, and its character when braille is not available.
  public struct Layer: Sendable {
    /// Style of the cells whose top dot is in this layer, and their character without braille.
    public var style: Style
    public var ascii: Unicode.Scalar
    /// A layer.
    public init(style: Style, ascii: Unicode.Scalar) {
      self.style = style
      self.ascii = ascii
    }
  }

  /// Size in cells.
  public let cols, rows: Int
  private var bits: [UInt8]
  private var top: [Int]

  /// An empty chart.
  public init(cols: Int, rows: Int) {
    self.cols = max(0, cols)
    self.rows = max(0, rows)
    bits = Array(repeating: 0, count: self.cols * self.rows)
    top = Array(repeating: -1, count: self.cols * self.rows)
  }

  /// Dot resolution.
  public var pixelsWide: Int { cols * 2 }
  public var pixelsHigh: Int { rows * 4 }

  /// The dot index of a position `f` along an axis of `n` dots (0 = first dot, 1 = last). Non-finite
  /// positions give 0 and far-off ones are clamped, so bad data can never trap.
  public static func dot(_ f: Double, of n: Int) -> Int {
    guard f.isFinite else { return 0 }
    return Int((min(max(f, -1), 2) * Double(n - 1)).rounded())
  }

  /// Sets the dot at (`px`, `py`), y down, in `layer` (clipped).
  public mutating func dot(_ px: Int, _ py: Int, layer: Int) {
    guard px >= 0, py >= 0, px < pixelsWide, py < pixelsHigh else { return }
    let i = (py / 4) * cols + px / 2
    let dx = px % 2, dy = py % 4
    let bit: UInt8 = dy == 3 ? (dx == 0 ? 0x40 : 0x80) : UInt8(1) << UInt8(dy + 3 * dx)
    bits[i] |= bit
    top[i] = max(top[i], layer)
  }

  /// Draws a straight line of dots between two dot positions.
  public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, layer: Int) {
    let n = max(abs(x1 - x0), abs(y1 - y0))
    guard n > 0 else { return dot(x0, y0, layer: layer) }
    for k in 0...n {
      let t = Double(k) / Double(n)
      dot(x0 + Int((Double(x1 - x0) * t).rounded()), y0 + Int((Double(y1 - y0) * t).rounded()), layer: layer)
    }
  }

  /// Copies the chart into `canvas` with its top-left cell at (`x`, `y`); empty cells are left as they are.
  public func draw(into canvas: inout Canvas, x: Int, y: Int, layers: [Layer], glyphs: Glyphs) {
    for cy in 0..<rows {
      for cx in 0..<cols {
        let i = cy * cols + cx
        guard bits[i] != 0, layers.indices.contains(top[i]) else { continue }
        let l = layers[top[i]]
        canvas.put(x + cx, y + cy, glyphs.unicode ? glyphs.braille(bits[i]) : l.ascii, l.style)
      }
    }
  }
}
