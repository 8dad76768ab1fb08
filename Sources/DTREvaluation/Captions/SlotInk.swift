import DTRData

/// What the pixels of one 28×28 slot of a caption canvas say without a network: how much ink there is,
/// where, and how bright.
///
/// Ink is a pixel's value mapped to [0, 1] after the evaluator's clamping and 8-bit quantisation
/// (background −1 is 0 ink, +1 is full ink).
public struct SlotInk: Equatable, Sendable {
  /// Pixels whose ink exceeds this belong to the garment's bounding box.
  public static let boxThreshold: Float = 0.1
  /// Total ink of the slot, in pixels of full ink.
  public let mass: Float
  /// The rows and columns of the pixels above ``boxThreshold`` (empty ranges when there are none).
  public let rows: Range<Int>, columns: Range<Int>
  /// How many pixels exceed ``boxThreshold``.
  public let inkPixels: Int
  /// The ink-weighted mean row, 0–27 (13.5 for an empty slot).
  public let centreRow: Float
  /// The mean of the brightest ``peakPixels`` ink values.
  public let peak: Float
  /// How many pixels ``peak`` averages.
  public static let peakPixels = 4

  /// Reads `slot` of the canvas at `canvas` (``CanvasLayout/pixels`` floats, row-major).
  public init(canvas: UnsafePointer<Float>, slot: GarmentLayout.Slot) {
    let side = CanvasLayout.slotSide, left = slot == .left ? 0 : side
    var mass: Float = 0, weightedRow: Float = 0, values: [Float] = []
    values.reserveCapacity(side * side)
    var top = side, bottom = -1, first = side, last = -1, inkPixels = 0
    for r in 0..<side {
      for c in 0..<side {
        let ink = Float(EvaluatorPixels.quantise(canvas[r * CanvasLayout.width + left + c])) / 255
        values.append(ink)
        mass += ink
        weightedRow += ink * Float(r)
        if ink > Self.boxThreshold {
          inkPixels += 1
          (top, bottom, first, last) = (min(top, r), max(bottom, r), min(first, c), max(last, c))
        }
      }
    }
    self.mass = mass
    self.inkPixels = inkPixels
    rows = bottom < 0 ? 0..<0 : top..<(bottom + 1)
    columns = last < 0 ? 0..<0 : first..<(last + 1)
    centreRow = mass > 0 ? weightedRow / mass : Float(side - 1) / 2
    peak = values.sorted(by: >).prefix(Self.peakPixels).reduce(0, +) / Float(Self.peakPixels)
  }

  /// The longer side of the bounding box of the ink, in pixels.
  public var extent: Int { max(rows.count, columns.count) }
}
