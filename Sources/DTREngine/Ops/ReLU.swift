/// Rectified linear unit `max(0, x)`.
///
/// Backward reads the forward *output* (`y > 0` exactly where `x > 0`), so forward may run in place and
/// the input need not be kept.
public enum ReLUOp {
  /// `out = max(0, x)`; `out` may alias `x`.
  public static func forward(x: UnsafePointer<Float>, count: Int, out: UnsafeMutablePointer<Float>) {
    Parallel.forRange(count, minChunk: 1 << 15) { s, e in
      for i in s..<e { out[i] = max(0, x[i]) }
    }
  }

  /// `dx = dOut` where `y > 0`, else 0 (overwritten, or added to when `accumulate`); `dx` may alias `dOut`.
  public static func backward(
    dOut: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int, dx: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
  ) {
    Parallel.forRange(count, minChunk: 1 << 15) { s, e in
      for i in s..<e {
        let v = y[i] > 0 ? dOut[i] : 0
        dx[i] = accumulate ? dx[i] + v : v
      }
    }
  }
}
