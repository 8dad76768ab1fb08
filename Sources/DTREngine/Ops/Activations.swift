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

/// Row-wise softmax.
public enum SoftmaxOp {
  /// In-place softmax of one row of length n, scaled first by `scale` (attention's 1/√d). Max, exp and
  /// sum are separate loops so each vectorises (a fused loop carries the sum and runs scalar).
  @inline(__always)
  public static func row(_ x: UnsafeMutablePointer<Float>, _ n: Int, scale: Float = 1) {
    var mx = -Float.infinity
    for j in 0..<n { mx = Swift.max(mx, x[j]) }
    let shift = mx * scale
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
