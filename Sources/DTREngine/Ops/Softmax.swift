/// Row-wise softmax.
public enum SoftmaxOp {
  /// In-place softmax of one row of length n, scaled first by `scale` (attention's 1/√d). Max, exp and
  /// sum are separate loops so each vectorises (a fused loop carries the sum and runs scalar). Assumes
  /// scale > 0.
  @inline(__always)
  public static func row(_ x: UnsafeMutablePointer<Float>, _ n: Int, scale: Float = 1) {
    let shift = Kernels.max(x, n) * scale
    for j in 0..<n { x[j] = FastMath.exp(x[j] * scale - shift) }
    let inv = 1 / Kernels.sum(x, n)
    for j in 0..<n { x[j] *= inv }
  }

  /// Softmax over each row of a `[rows, cols]` matrix, in place.
  public static func forward(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, scale: Float = 1) {
    Profiler.time(.elementwise) {
      Parallel.forRange(rows, minChunk: max(1, 8192 / max(cols, 1))) { s, e in
        for r in s..<e { row(x + r * cols, cols, scale: scale) }
      }
    }
  }

  /// Backward of one row in place: `d ← y ⊙ (d − Σ d⊙y)·scale`, where `d` holds dL/dy on entry.
  @inline(__always)
  public static func backwardRow(y: UnsafePointer<Float>, d: UnsafeMutablePointer<Float>, _ n: Int, scale: Float = 1) {
    let dot = Kernels.dot(y, d, n)
    for j in 0..<n { d[j] = y[j] * (d[j] - dot) * scale }
  }

  /// Backward over `[rows, cols]`, in place on `d`.
  public static func backward(y: UnsafePointer<Float>, d: UnsafeMutablePointer<Float>, rows: Int, cols: Int, scale: Float = 1) {
    Profiler.time(.elementwise) {
      Parallel.forRange(rows, minChunk: max(1, 8192 / max(cols, 1))) { s, e in
        for r in s..<e { backwardRow(y: y + r * cols, d: d + r * cols, cols, scale: scale) }
      }
    }
  }
}
