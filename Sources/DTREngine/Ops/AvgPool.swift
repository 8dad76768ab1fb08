/// 2×2 average pooling with stride 2 over NCHW planes, in ceil mode: the output is `⌈H/2⌉ × ⌈W/2⌉`, and on
/// odd sizes the last row/column of windows averages only the pixels inside the input (PyTorch's
/// `avg_pool2d(x, 2, ceil_mode=True)`), e.g. 7×7 → 4×4. Even sizes (28 → 14 → 7) are the plain 2×2 mean.
///
/// Both passes read a missing second row/column as a repeat of the last one, which gives exactly the mean
/// of the in-range pixels (and its adjoint) without special cases in the loops.
public enum AvgPool2xOp {
  /// Output size along an axis of `size` pixels: `⌈size/2⌉`.
  public static func outputSize(_ size: Int) -> Int { (size + 1) / 2 }

  /// `out[planes, ⌈H/2⌉, ⌈W/2⌉]` from `x[planes, height, width]`.
  public static func forward(
    x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, out: UnsafeMutablePointer<Float>
  ) {
    let oh = outputSize(height), ow = outputSize(width), pairs = width / 2
    Parallel.forRange(planes, minChunk: max(1, 32768 / (height * width))) { p0, p1 in
      for p in p0..<p1 {
        let src = x + p * height * width, dst = out + p * oh * ow
        for oy in 0..<oh {
          let r0 = src + 2 * oy * width, r1 = src + min(2 * oy + 1, height - 1) * width
          let d = dst + oy * ow
          for ox in 0..<pairs { d[ox] = 0.25 * (r0[2 * ox] + r0[2 * ox + 1] + r1[2 * ox] + r1[2 * ox + 1]) }
          if width % 2 == 1 { d[ow - 1] = 0.5 * (r0[width - 1] + r1[width - 1]) }
        }
      }
    }
  }

  /// Spreads each output gradient evenly over its window; `dx` is overwritten, or added to when
  /// `accumulate`.
  public static func backward(
    dOut: UnsafePointer<Float>, planes: Int, height: Int, width: Int, dx: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
  ) {
    let oh = outputSize(height), ow = outputSize(width), pairs = width / 2
    Parallel.forRange(planes, minChunk: max(1, 32768 / (height * width))) { p0, p1 in
      for p in p0..<p1 {
        let src = dOut + p * oh * ow, dst = dx + p * height * width
        if !accumulate { dst.update(repeating: 0, count: height * width) }
        for oy in 0..<oh {
          let g = src + oy * ow
          for dy in 0..<2 {
            let d = dst + min(2 * oy + dy, height - 1) * width
            for ox in 0..<pairs {
              d[2 * ox] += 0.25 * g[ox]
              d[2 * ox + 1] += 0.25 * g[ox]
            }
            if width % 2 == 1 { d[width - 1] += 0.5 * g[ow - 1] }
          }
        }
      }
    }
  }
}
