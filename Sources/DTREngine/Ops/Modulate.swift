/// adaLN modulation `y = x·(1 + scale) + shift` with one `scale`/`shift` row per sample, broadcast over
/// that sample's tokens (DiT's `modulate`).
///
/// `scale` and `shift` are read with a row stride so they can point into a fused adaLN projection
/// (`[N, 6·D]`, chunks of D) without copying.
public enum ModulateOp {
  /// `out[n, l, :] = x[n, l, :]·(1 + scale[n, :]) + shift[n, :]`.
  public static func forward(
    x: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int,
    shift: UnsafePointer<Float>, scale: UnsafePointer<Float>, paramStride: Int, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let sh = shift + n * paramStride, sc = scale + n * paramStride
          for l in 0..<tokens {
            let o = (n * tokens + l) * dim
            for c in 0..<dim { out[o + c] = x[o + c] * (1 + sc[c]) + sh[c] }
          }
        }
      }
    }
  }

  /// Gradients: `dx` (overwritten), `dShift`/`dScale` (accumulated, same stride as the forward).
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int,
    scale: UnsafePointer<Float>, paramStride: Int, dx: UnsafeMutablePointer<Float>,
    dShift: UnsafeMutablePointer<Float>, dScale: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let sc = scale + n * paramStride, dsh = dShift + n * paramStride, dsc = dScale + n * paramStride
          for l in 0..<tokens {
            let o = (n * tokens + l) * dim
            for c in 0..<dim {
              let dy = dOut[o + c]
              dx[o + c] = dy * (1 + sc[c])
              dsc[c] += dy * x[o + c]
              dsh[c] += dy
            }
          }
        }
      }
    }
  }
}

/// LayerNorm (no affine) fused with adaLN modulation: `y = LN(x)·(1 + scale) + shift`, the input
/// stage of every DiT attention and MLP branch. One read of x, one write of y; backward recomputes x̂
/// from the saved statistics instead of storing it.
public enum LayerNormModulateOp {
  /// Forward; saves per-row `mean` and `rstd` (`[batch·tokens]`).
  public static func forward(
    x: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int, eps: Float,
    shift: UnsafePointer<Float>, scale: UnsafePointer<Float>, paramStride: Int,
    out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let sh = shift + n * paramStride, sc = scale + n * paramStride
          for l in 0..<tokens {
            let r = n * tokens + l
            let xr = x + r * dim, yr = out + r * dim
            let (m, rs) = LayerNormOp.stats(xr, dim, eps)
            mean[r] = m
            rstd[r] = rs
            for c in 0..<dim { yr[c] = (xr[c] - m) * rs * (1 + sc[c]) + sh[c] }
          }
        }
      }
    }
  }

  /// Gradients: `dx` (overwritten, or added to when `accumulate`), `dShift`/`dScale` (accumulated).
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int,
    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
    scale: UnsafePointer<Float>, paramStride: Int, dx: UnsafeMutablePointer<Float>, accumulate: Bool = false,
    dShift: UnsafeMutablePointer<Float>, dScale: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let sc = scale + n * paramStride, dsh = dShift + n * paramStride, dsc = dScale + n * paramStride
          for l in 0..<tokens {
            let r = n * tokens + l
            let xr = x + r * dim, dy = dOut + r * dim
            let m = mean[r], rs = rstd[r]
            for c in 0..<dim {
              dsc[c] += dy[c] * (xr[c] - m) * rs
              dsh[c] += dy[c]
            }
            LayerNormOp.backwardRow(x: xr, dim: dim, mean: m, rstd: rs, dx: dx + r * dim, accumulate: accumulate) {
              dy[$0] * (1 + sc[$0])
            }
          }
        }
      }
    }
  }
}
