/// Layer normalisation over the last dimension, `y = (x − μ)/√(σ² + ε) [· w + b]`.
///
/// The per-row mean and reciprocal standard deviation are saved for backward. Statistics are taken
/// over all channels of a row, including channels a routing mask zeroed (dtr-spec.md §3, note 2).
public enum LayerNormOp {
  /// Normalises `rows` rows of length `dim`; `weight`/`bias` (both or neither) give the affine form.
  public static func forward(
    x: UnsafePointer<Float>, rows: Int, dim: Int, eps: Float,
    weight: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>? = nil,
    out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(rows, minChunk: max(1, 8192 / max(dim, 1))) { s, e in
        for r in s..<e {
          let xr = x + r * dim, yr = out + r * dim
          let (m, rs) = stats(xr, dim, eps)
          mean[r] = m
          rstd[r] = rs
          if let weight, let bias {
            for c in 0..<dim { yr[c] = (xr[c] - m) * rs * weight[c] + bias[c] }
          } else {
            for c in 0..<dim { yr[c] = (xr[c] - m) * rs }
          }
        }
      }
    }
  }

  /// Gradients: `dx` (overwritten, or added to when `accumulate`), and for the affine form
  /// `dWeight`/`dBias` (accumulated).
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int, dim: Int,
    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
    weight: UnsafePointer<Float>? = nil, dx: UnsafeMutablePointer<Float>, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>? = nil, dBias: UnsafeMutablePointer<Float>? = nil
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(rows, minChunk: max(1, 8192 / max(dim, 1))) { s, e in
        for r in s..<e {
          let dy = dOut + r * dim
          if let weight {
            backwardRow(x: x + r * dim, dim: dim, mean: mean[r], rstd: rstd[r], dx: dx + r * dim,
                        accumulate: accumulate) { dy[$0] * weight[$0] }
          } else {
            backwardRow(x: x + r * dim, dim: dim, mean: mean[r], rstd: rstd[r], dx: dx + r * dim,
                        accumulate: accumulate) { dy[$0] }
          }
        }
      }
      if let dWeight, let dBias {
        for r in 0..<rows {
          let xr = x + r * dim, dy = dOut + r * dim
          let m = mean[r], rs = rstd[r]
          for c in 0..<dim {
            dWeight[c] += dy[c] * (xr[c] - m) * rs
            dBias[c] += dy[c]
          }
        }
      }
    }
  }

  /// Mean and 1/√(var + ε) of one row (biased variance, as PyTorch), with SIMD accumulators.
  @inline(__always)
  static func stats(_ x: UnsafePointer<Float>, _ n: Int, _ eps: Float) -> (Float, Float) {
    let m = Kernels.sum(x, n) / Float(n)
    var acc = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(x)
    let mv = SIMD16<Float>(repeating: m)
    while i + 16 <= n {
      let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - mv
      acc += d * d
      i += 16
    }
    var v = acc.sum()
    while i < n { v += (x[i] - m) * (x[i] - m); i += 1 }
    return (m, 1 / (v / Float(n) + eps).squareRoot())
  }

  /// dx of one row given `dxhat(c)`, the gradient w.r.t. the normalised value x̂:
  /// `dx = rstd · (dxhat − mean(dxhat) − x̂ · mean(dxhat · x̂))`.
  @inline(__always)
  static func backwardRow(
    x: UnsafePointer<Float>, dim: Int, mean m: Float, rstd rs: Float,
    dx: UnsafeMutablePointer<Float>, accumulate: Bool, dxhat: (Int) -> Float
  ) {
    var sumD: Float = 0, sumDX: Float = 0
    for c in 0..<dim {
      let d = dxhat(c)
      sumD += d
      sumDX += d * (x[c] - m)
    }
    let md = sumD / Float(dim), mdx = sumDX * rs / Float(dim)
    if accumulate {
      for c in 0..<dim { dx[c] += rs * (dxhat(c) - md - (x[c] - m) * rs * mdx) }
    } else {
      for c in 0..<dim { dx[c] = rs * (dxhat(c) - md - (x[c] - m) * rs * mdx) }
    }
  }
}
