/// Draws a ``CanvasLayout`` with given Fashion-MNIST images onto a 28×56 canvas in [−1, 1].
///
/// The background is −1 (black). A garment's byte p becomes p·s / 127.5 − 1, with s = 1 for light and
/// ``GarmentLayout/darkInk`` for dark, so a dark garment keeps its shape at half the ink. Flipped images
/// are mirrored left–right; small ones are 2×2 means of the (mirrored) image, 14×14.
public enum CanvasRenderer {
  /// Draws `layout` into `canvas` (``CanvasLayout/pixels`` floats, row-major), garment i from the 28×28
  /// bytes `images[i]`.
  public static func draw(_ layout: CanvasLayout, images: [ArraySlice<UInt8>], into canvas: UnsafeMutablePointer<Float>) {
    precondition(images.count == layout.garments.count, "\(images.count) images for \(layout.garments.count) garments")
    let width = CanvasLayout.width, side = CanvasLayout.slotSide
    canvas.update(repeating: -1, count: CanvasLayout.pixels)
    for (garment, image) in zip(layout.garments, images) {
      precondition(image.count == side * side, "a garment image has \(image.count) bytes, not \(side * side)")
      let scale = (garment.dark ? GarmentLayout.darkInk : 1) / 127.5
      let box = garment.box, factor = side / box.rows.count
      image.withUnsafeBufferPointer { source in
        for (r, row) in box.rows.enumerated() {
          for (c, column) in box.columns.enumerated() {
            let sourceColumn = garment.flipped ? box.columns.count - 1 - c : c
            var ink = 0
            for dy in 0..<factor {
              for dx in 0..<factor { ink += Int(source[(r * factor + dy) * side + sourceColumn * factor + dx]) }
            }
            canvas[row * width + column] = Float(ink) / Float(factor * factor) * scale - 1
          }
        }
      }
    }
  }
}
