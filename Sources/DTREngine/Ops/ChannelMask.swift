/// Per-sample channel masks `[N, C]`, broadcast over each sample's tokens: the routing primitive of
/// Denoising Task Routing (each sample uses the mask row of its own timestep).
public enum ChannelMaskOp {
  /// `out[n, l, c] = x[n, l, c]·m[n, c]`, or `x·(1 − m)` when `complement`; adds to `out` when
  /// `accumulate`.
  public static func forward(
    x: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int,
    complement: Bool = false, accumulate: Bool = false, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let m = mask + n * dim
          for l in 0..<tokens {
            let o = (n * tokens + l) * dim
            switch (complement, accumulate) {
            case (false, false): for c in 0..<dim { out[o + c] = x[o + c] * m[c] }
            case (true, false): for c in 0..<dim { out[o + c] = x[o + c] * (1 - m[c]) }
            case (false, true): for c in 0..<dim { out[o + c] += x[o + c] * m[c] }
            case (true, true): for c in 0..<dim { out[o + c] += x[o + c] * (1 - m[c]) }
            }
          }
        }
      }
    }
  }

  /// The mask is a constant, so the backward of a masked product is the same masked product of the
  /// incoming gradient: `dx (+)= dOut·m` (or `·(1 − m)`).
  public static func backward(
    dOut: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int,
    complement: Bool = false, accumulate: Bool = false, dx: UnsafeMutablePointer<Float>
  ) {
    forward(x: dOut, mask: mask, batch: batch, tokens: tokens, dim: dim, complement: complement,
            accumulate: accumulate, out: dx)
  }
}

/// adaLN-Zero's gated residual `h ← h + gate[n, :]·y[n, l, :]`, with one gate row per sample read
/// with a row stride (from the fused adaLN projection).
public enum GatedResidualOp {
  /// `out = h + gate·y` (`out` may be `h`: in place).
  public static func forward(
    h: UnsafePointer<Float>, y: UnsafePointer<Float>, gate: UnsafePointer<Float>, gateStride: Int,
    batch: Int, tokens: Int, dim: Int, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let g = gate + n * gateStride
          for l in 0..<tokens {
            let o = (n * tokens + l) * dim
            for c in 0..<dim { out[o + c] = h[o + c] + g[c] * y[o + c] }
          }
        }
      }
    }
  }

  /// `dy = gate·dOut` (overwritten) and `dGate += Σ_l dOut·y`; dh is dOut itself (identity path).
  public static func backward(
    dOut: UnsafePointer<Float>, y: UnsafePointer<Float>, gate: UnsafePointer<Float>, gateStride: Int,
    batch: Int, tokens: Int, dim: Int, dy: UnsafeMutablePointer<Float>, dGate: UnsafeMutablePointer<Float>
  ) {
    Parallel.forRange(batch, minChunk: 1) { s, e in
      for n in s..<e {
        let g = gate + n * gateStride, dg = dGate + n * gateStride
        for l in 0..<tokens {
          let o = (n * tokens + l) * dim
          for c in 0..<dim {
            dg[c] += dOut[o + c] * y[o + c]
            dy[o + c] = g[c] * dOut[o + c]
          }
        }
      }
    }
  }
}
