/// Nearest-neighbour 2× upsampling of NCHW planes: `out[y, x] = in[⌊y/2⌋, ⌊x/2⌋]`.
///
/// The output size is `2H` or `2H − 1` per axis (chosen by the caller), so that it inverts
/// ``AvgPool2xOp`` on odd sizes too: 7 → 4 by pooling, 4 → 7 here (the 8th row/column is cropped).
/// `planes` is `batch·channels`; planes are processed in parallel.
public enum UpsampleNearest2xOp {
  /// `out[planes, outHeight, outWidth]` from `x[planes, height, width]`.
  public static func forward(
    x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outHeight: Int, outWidth: Int,
    out: UnsafeMutablePointer<Float>
  ) {
    checkSizes(height, width, outHeight, outWidth)
    Parallel.forRange(planes, minChunk: max(1, 32768 / (outHeight * outWidth))) { p0, p1 in
      for p in p0..<p1 {
        let src = x + p * height * width, dst = out + p * outHeight * outWidth
        for oy in 0..<outHeight {
          let s = src + (oy / 2) * width, d = dst + oy * outWidth
          if oy % 2 == 1 {
            d.update(from: d - outWidth, count: outWidth)
            continue
          }
          for ox in 0..<outWidth / 2 {
            d[2 * ox] = s[ox]
            d[2 * ox + 1] = s[ox]
          }
          if outWidth % 2 == 1 { d[outWidth - 1] = s[width - 1] }
        }
      }
    }
  }

  /// `dx[y, x] = Σ` of the (up to four) output gradients copied from it; overwritten, or added to when
  /// `accumulate`.
  public static func backward(
    dOut: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outHeight: Int, outWidth: Int,
    dx: UnsafeMutablePointer<Float>, accumulate: Bool = false
  ) {
    checkSizes(height, width, outHeight, outWidth)
    Parallel.forRange(planes, minChunk: max(1, 32768 / (outHeight * outWidth))) { p0, p1 in
      for p in p0..<p1 {
        let src = dOut + p * outHeight * outWidth, dst = dx + p * height * width
        if !accumulate { dst.update(repeating: 0, count: height * width) }
        for oy in 0..<outHeight {
          let s = src + oy * outWidth, d = dst + (oy / 2) * width
          for ox in 0..<outWidth / 2 { d[ox] += s[2 * ox] + s[2 * ox + 1] }
          if outWidth % 2 == 1 { d[width - 1] += s[outWidth - 1] }
        }
      }
    }
  }

  private static func checkSizes(_ h: Int, _ w: Int, _ oh: Int, _ ow: Int) {
    precondition((oh == 2 * h || oh == 2 * h - 1) && (ow == 2 * w || ow == 2 * w - 1),
                 "upsample \(h)×\(w) → \(oh)×\(ow): output must be 2× (or 2×−1) per axis")
  }
}
