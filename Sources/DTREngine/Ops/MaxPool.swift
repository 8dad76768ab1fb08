/// 2×2 max pooling with stride 2 over NCHW planes of even height and width (28 → 14 → 7).
///
/// Forward can record, for every output, the flat in-plane index of the input pixel that won (the first
/// maximum in row-major window order, as PyTorch's `max_pool2d`); backward routes each output gradient to
/// that pixel alone.
public enum MaxPool2xOp {
  /// `out[planes, H/2, W/2]` from `x[planes, height, width]`; `indices` (same count as `out`) receives
  /// the winners when given.
  public static func forward(
    x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, out: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>?
  ) {
    checkSizes(height, width)
    let oh = height / 2, ow = width / 2
    Parallel.forRange(planes, minChunk: max(1, 32768 / (height * width))) { p0, p1 in
      for p in p0..<p1 {
        let src = x + p * height * width, dst = out + p * oh * ow
        for oy in 0..<oh {
          for ox in 0..<ow {
            let top = 2 * oy * width + 2 * ox
            var best = top, value = src[top]
            if src[top + 1] > value { (best, value) = (top + 1, src[top + 1]) }
            if src[top + width] > value { (best, value) = (top + width, src[top + width]) }
            if src[top + width + 1] > value { (best, value) = (top + width + 1, src[top + width + 1]) }
            dst[oy * ow + ox] = value
            indices?[p * oh * ow + oy * ow + ox] = Int32(best)
          }
        }
      }
    }
  }

  /// `dx[winner] += dOut` for every output (the winners recorded by forward); `dx` is overwritten, or
  /// added to when `accumulate`.
  public static func backward(
    dOut: UnsafePointer<Float>, indices: UnsafePointer<Int32>, planes: Int, height: Int, width: Int,
    dx: UnsafeMutablePointer<Float>, accumulate: Bool = false
  ) {
    checkSizes(height, width)
    let outPlane = (height / 2) * (width / 2)
    Parallel.forRange(planes, minChunk: max(1, 32768 / (height * width))) { p0, p1 in
      for p in p0..<p1 {
        let dst = dx + p * height * width
        if !accumulate { dst.update(repeating: 0, count: height * width) }
        for o in (p * outPlane)..<((p + 1) * outPlane) { dst[Int(indices[o])] += dOut[o] }
      }
    }
  }

  private static func checkSizes(_ height: Int, _ width: Int) {
    precondition(height % 2 == 0 && width % 2 == 0 && height > 0 && width > 0,
                 "max pool 2×2 needs even sizes, got \(height)×\(width)")
  }
}
