import DTREngine

/// Lays out N greyscale float images of H×W in a rows × cols grid separated by a gutter, as a PNG.
///
/// Images fill the grid row by row; cells beyond N are filled with the gutter colour, and images beyond
/// rows × cols are left out. The output is greyscale when the gutter colour is grey, RGB otherwise.
public struct ImageGrid: Sendable {
  /// How float pixel values map to 0…255 (values outside the range are clamped, NaN becomes 0).
  public enum ValueRange: Sendable {
    /// −1 → 0 and 1 → 255: the model's data scaling.
    case minusOneToOne
    /// 0 → 0 and 1 → 255.
    case zeroToOne

    /// The (low, high) value mapped to (0, 255).
    var bounds: (Float, Float) { self == .minusOneToOne ? (-1, 1) : (0, 1) }

    /// The byte `value` maps to.
    @inline(__always)
    func byte(_ value: Float) -> UInt8 {
      let (low, high) = bounds
      let v = (value - low) * (255 / (high - low))
      return v.isNaN ? 0 : UInt8(min(max(v, 0), 255).rounded())
    }
  }

  /// An 8-bit RGB colour.
  public struct Color: Equatable, Sendable {
    /// Red, green and blue, 0…255.
    public var r, g, b: UInt8

    /// The colour (r, g, b).
    public init(r: UInt8, g: UInt8, b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }

    /// The grey with all three channels equal to `level`.
    public static func grey(_ level: UInt8) -> Color { Color(r: level, g: level, b: level) }

    /// Whether all three channels are equal.
    var isGrey: Bool { r == g && g == b }
  }

  /// Grid rows.
  public var rows: Int
  /// Grid columns.
  public var columns: Int
  /// Pixels between cells and around the border.
  public var gutter: Int
  /// The colour of the gutter and of empty cells.
  public var gutterColor: Color
  /// The mapping from float values to bytes.
  public var range: ValueRange

  /// A grid of `rows` × `columns` cells.
  public init(rows: Int, columns: Int, gutter: Int = 2, gutterColor: Color = .grey(255),
              range: ValueRange = .minusOneToOne) {
    precondition(rows > 0 && columns > 0 && gutter >= 0, "bad grid \(rows)×\(columns), gutter \(gutter)")
    self.rows = rows
    self.columns = columns
    self.gutter = gutter
    self.gutterColor = gutterColor
    self.range = range
  }

  /// Renders `count` images of `height` × `width` floats stored back to back at `values`.
  public func render(_ values: UnsafeBufferPointer<Float>, count: Int, height: Int, width: Int) -> PNGImage {
    precondition(height > 0 && width > 0 && values.count >= count * height * width,
                 "\(values.count) values for \(count) images of \(height)×\(width)")
    let outWidth = columns * (width + gutter) + gutter
    let outHeight = rows * (height + gutter) + gutter
    var grey = [UInt8](repeating: gutterColor.r, count: outWidth * outHeight)
    for n in 0..<min(count, rows * columns) {
      let top = gutter + (n / columns) * (height + gutter)
      let left = gutter + (n % columns) * (width + gutter)
      for y in 0..<height {
        for x in 0..<width {
          grey[(top + y) * outWidth + left + x] = range.byte(values[(n * height + y) * width + x])
        }
      }
    }
    if gutterColor.isGrey {
      return PNGImage(width: outWidth, height: outHeight, colorType: .grey, pixels: grey)
    }
    var rgb = [UInt8](repeating: 0, count: grey.count * 3)
    for i in 0..<grey.count {
      let inGutter = !isCell(x: i % outWidth, y: i / outWidth, height: height, width: width, count: count)
      (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) =
        inGutter ? (gutterColor.r, gutterColor.g, gutterColor.b) : (grey[i], grey[i], grey[i])
    }
    return PNGImage(width: outWidth, height: outHeight, colorType: .rgb, pixels: rgb)
  }

  /// Renders a tensor of images shaped [N, H, W] or [N, 1, H, W].
  public func render(_ images: Tensor) -> PNGImage {
    let s = images.shape
    precondition(s.count == 3 || (s.count == 4 && s[1] == 1), "expected [N,H,W] or [N,1,H,W], got \(s)")
    return render(UnsafeBufferPointer(start: images.data, count: images.count),
                  count: s[0], height: s[s.count - 2], width: s[s.count - 1])
  }

  /// Renders `images` ([N, H, W] or [N, 1, H, W]) and writes the PNG atomically to `path`.
  public func write(_ images: Tensor, to path: String) throws {
    try render(images).write(to: path)
  }

  /// Whether pixel (x, y) of the output lies inside the cell of one of the `count` images.
  private func isCell(x: Int, y: Int, height: Int, width: Int, count: Int) -> Bool {
    let (cx, rx) = ((x - gutter) / (width + gutter), (x - gutter) % (width + gutter))
    let (cy, ry) = ((y - gutter) / (height + gutter), (y - gutter) % (height + gutter))
    return x >= gutter && y >= gutter && rx < width && ry < height && cx < columns && cy < rows
      && cy * columns + cx < count
  }
}
