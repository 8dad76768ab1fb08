/// Mean over the valid tokens of each sequence: `out[n, :] = Σ_l valid[n, l]·x[n, l, :] / Σ_l valid[n, l]`,
/// the pooled embedding of a padded text sequence. `valid` is `[N, L]` of 0/1 with at least one 1 per row.
public enum MaskedMeanOp {
  /// Pools `x` (`[N, L, D]`) into `out` (`[N, D]`).
  public static func forward(
    x: UnsafePointer<Float>, valid: UnsafePointer<Float>, batch: Int, tokens L: Int, dim D: Int,
    out: UnsafeMutablePointer<Float>
  ) {
    for n in 0..<batch {
      let o = out + n * D
      o.update(repeating: 0, count: D)
      let inv = 1 / count(valid + n * L, L)
      for l in 0..<L where valid[n * L + l] != 0 {
        let xr = x + (n * L + l) * D
        for c in 0..<D { o[c] += xr[c] * inv }
      }
    }
  }

  /// dL/dx (`[N, L, D]`, overwritten; zero at padded tokens) from dL/d`out`.
  public static func backward(
    dOut: UnsafePointer<Float>, valid: UnsafePointer<Float>, batch: Int, tokens L: Int, dim D: Int,
    dx: UnsafeMutablePointer<Float>
  ) {
    for n in 0..<batch {
      let inv = 1 / count(valid + n * L, L)
      for l in 0..<L {
        let d = dx + (n * L + l) * D, g = dOut + n * D, w = valid[n * L + l] * inv
        for c in 0..<D { d[c] = g[c] * w }
      }
    }
  }

  @inline(__always)
  static func count(_ valid: UnsafePointer<Float>, _ L: Int) -> Float {
    var s: Float = 0
    for l in 0..<L { s += valid[l] }
    precondition(s > 0, "masked mean over a sequence with no valid token")
    return s
  }
}
