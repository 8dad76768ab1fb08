/// GELU with the tanh approximation (as DiT's MLP): `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
public enum GELUOp {
  static let k: Float = 0.797_884_56  // √(2/π)
  static let c: Float = 0.044_715

  /// `out = GELU(x + bias)`; when `bias` is given it is first added to `x` in place (so `x` holds the
  /// pre-activation that backward needs), fusing the MLP's bias pass into the activation pass.
  public static func forward(
    x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, bias: UnsafePointer<Float>? = nil,
    out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      Parallel.forRange(rows, minChunk: max(1, 16384 / max(cols, 1))) { s, e in
        for r in s..<e {
          let xr = x + r * cols, yr = out + r * cols
          if let bias {
            for j in 0..<cols { xr[j] += bias[j] }
          }
          for j in 0..<cols {
            let v = xr[j]
            let t = FastMath.tanh(k * (v + c * v * v * v))
            yr[j] = 0.5 * v * (1 + t)
          }
        }
      }
    }
  }

  /// `dx = dOut · GELU'(x)` (overwrites dx; dx may alias dOut): the exact GELU-tanh derivative, with
  /// 1 − tanh² from the rational tanh (cheaper than the approximant's own slope, which differs by < 4e-4).
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, count: Int, dx: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      Parallel.forRange(count, minChunk: 1 << 14) { s, e in
        for i in s..<e {
          let v = x[i]
          let t = FastMath.tanh(k * (v + c * v * v * v))
          let d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * c * v * v)
          dx[i] = dOut[i] * d
        }
      }
    }
  }
}
