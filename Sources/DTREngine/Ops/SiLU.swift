/// SiLU (swish): `x·σ(x)`.
public enum SiLUOp {
  /// `out = x·σ(x)`.
  public static func forward(x: UnsafePointer<Float>, count: Int, out: UnsafeMutablePointer<Float>) {
    Profiler.time(.elementwise) {
      Parallel.forRange(count, minChunk: 1 << 14) { s, e in
        for i in s..<e { out[i] = x[i] * FastMath.sigmoid(x[i]) }
      }
    }
  }

  /// `dx = dOut · σ(x)·(1 + x·(1 − σ(x)))` (overwrites dx, or adds when `accumulate`).
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, count: Int, dx: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
  ) {
    Profiler.time(.elementwise) {
      Parallel.forRange(count, minChunk: 1 << 14) { s, e in
        for i in s..<e {
          let sg = FastMath.sigmoid(x[i])
          let v = dOut[i] * sg * (1 + x[i] * (1 - sg))
          dx[i] = accumulate ? dx[i] + v : v
        }
      }
    }
  }
}
