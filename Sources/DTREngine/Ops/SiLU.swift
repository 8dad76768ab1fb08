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

  /// `dx = dOut · σ(x)·(1 + x·(1 − σ(x)))` (overwrites dx, or adds when `accumulate`). `dx` may be `dOut`
  /// (in place): each case is its own loop over the pointers it really uses, so none of them meets
  /// LLVM's runtime overlap check, which sends an in-place `dx[i] = dOut[i]·f(x[i])` to the scalar loop.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, count: Int, dx: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
  ) {
    Profiler.time(.elementwise) {
      let inPlace = UnsafePointer(dx) == dOut
      precondition(!(inPlace && accumulate), "SiLU backward cannot accumulate into its own input gradient")
      Parallel.forRange(count, minChunk: 1 << 14) { s, e in
        if inPlace {
          for i in s..<e { dx[i] *= FastMath.siluDerivative(x[i]) }
        } else if accumulate {
          for i in s..<e { dx[i] += dOut[i] * FastMath.siluDerivative(x[i]) }
        } else {
          for i in s..<e { dx[i] = dOut[i] * FastMath.siluDerivative(x[i]) }
        }
      }
    }
  }
}
