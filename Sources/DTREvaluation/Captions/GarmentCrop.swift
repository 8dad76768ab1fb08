import DTRData
import DTREngine

/// Cuts a garment's box out of a caption canvas as a 28×28 evaluator input: a large garment's slot as it
/// is, a small garment's 14×14 box upscaled 2× by repeating each pixel.
public enum GarmentCrop {
  /// Writes the crop of `box` from `canvas` (``CanvasLayout/pixels`` floats) into `out` (784 floats),
  /// clamped to [−1, 1]. With `normalised`, the ink (value + 1)/2 is divided by its maximum over the box,
  /// so a dark garment reaches the evaluator at the brightness it was trained on; a box whose maximum ink
  /// is below ``normaliseFloor`` is left as it is rather than amplifying noise.
  public static func write(_ canvas: UnsafePointer<Float>, box: (rows: Range<Int>, columns: Range<Int>),
                           normalised: Bool, into out: UnsafeMutablePointer<Float>) {
    let side = CanvasLayout.slotSide, factor = side / box.rows.count
    var peak: Float = 0
    for r in 0..<side {
      for c in 0..<side {
        let v = min(max(canvas[(box.rows.lowerBound + r / factor) * CanvasLayout.width + box.columns.lowerBound + c / factor], -1), 1)
        out[r * side + c] = v
        peak = max(peak, (v + 1) / 2)
      }
    }
    guard normalised && peak >= normaliseFloor else { return }
    for i in 0..<(side * side) { out[i] = min((out[i] + 1) / peak, 2) - 1 }
  }

  /// The least peak ink a box needs to be normalised.
  public static let normaliseFloor: Float = 0.2
}
