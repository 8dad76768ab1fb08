/// Group normalisation of NCHW activations, `y = (x − μ_g)/√(σ²_g + ε) [· w_c + b_c]`.
///
/// The `C` channels of each image are split into `G` consecutive groups of `C/G` channels; a group's
/// `C/G · H·W` values are contiguous in NCHW, so each (image, group) is one row normalised like a
/// LayerNorm row (biased variance, as PyTorch). The per-(image, group) mean and reciprocal standard
/// deviation are saved for backward. Rows are processed in parallel.
public enum GroupNormOp {
  /// Normalises `x[batch, channels, plane]` (`plane` = H·W) in `groups` groups; `weight`/`bias` (both or
  /// neither, `[channels]`) give the affine form. `mean` and `rstd` receive `batch·groups` values.
  public static func forward(
    x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, groups: Int, eps: Float,
    weight: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>? = nil,
    out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      precondition(channels % groups == 0, "\(channels) channels do not split into \(groups) groups")
      let perGroup = channels / groups, length = perGroup * plane
      Parallel.forRange(batch * groups, minChunk: max(1, 16384 / length)) { r0, r1 in
        for row in r0..<r1 {
          let (m, rs) = LayerNormOp.stats(x + row * length, length, eps)
          mean[row] = m
          rstd[row] = rs
          for j in 0..<perGroup {
            let c = (row % groups) * perGroup + j
            let scale = rs * (weight?[c] ?? 1)
            let shift = (bias?[c] ?? 0) - m * scale
            let xc = x + row * length + j * plane, yc = out + row * length + j * plane
            for p in 0..<plane { yc[p] = xc[p] * scale + shift }
          }
        }
      }
    }
  }

  /// Gradients of ``forward(x:batch:channels:plane:groups:eps:weight:bias:out:mean:rstd:)``: `dx` is
  /// overwritten (or added to when `accumulate`); `dWeight`/`dBias` accumulate. `channelSums` is scratch
  /// for `2·batch·channels` floats (per-(image, channel) sums, reduced over the batch at the end).
  ///
  /// With `ĝ = dy·w` and `x̂` the normalised input, `dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))` over the group.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, groups: Int,
    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, weight: UnsafePointer<Float>? = nil,
    dx: UnsafeMutablePointer<Float>, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>? = nil, dBias: UnsafeMutablePointer<Float>? = nil,
    channelSums: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.norms) {
      let perGroup = channels / groups, length = perGroup * plane
      Parallel.forRange(batch * groups, minChunk: max(1, 16384 / length)) { r0, r1 in
        for row in r0..<r1 {
          let m = mean[row], rs = rstd[row]
          // Per channel: Σ dy and Σ dy·x̂ = rstd·(Σ dy·x − μ Σ dy); their w-weighted sums give the means.
          var meanG: Float = 0, meanGX: Float = 0
          for j in 0..<perGroup {
            let c = (row % groups) * perGroup + j
            let offset = row * length + j * plane
            let sumDy = Kernels.sum(dOut + offset, plane)
            let sumDyX = rs * (Kernels.dot(dOut + offset, x + offset, plane) - m * sumDy)
            let sums = channelSums + 2 * ((row / groups) * channels + c)
            sums[0] = sumDy
            sums[1] = sumDyX
            let w = weight?[c] ?? 1
            meanG += w * sumDy
            meanGX += w * sumDyX
          }
          meanG /= Float(length)
          meanGX /= Float(length)
          // dx = a_c·dy + b·x + k with a_c = rstd·w_c, b = −rstd²·mean(ĝx̂), k = rstd·(μ·rstd·mean(ĝx̂) − mean(ĝ)).
          let b = -rs * rs * meanGX, k = rs * (m * rs * meanGX - meanG)
          for j in 0..<perGroup {
            let a = rs * (weight?[(row % groups) * perGroup + j] ?? 1)
            let offset = row * length + j * plane
            let dy = dOut + offset, xc = x + offset, d = dx + offset
            if accumulate {
              for p in 0..<plane { d[p] += a * dy[p] + b * xc[p] + k }
            } else {
              for p in 0..<plane { d[p] = a * dy[p] + b * xc[p] + k }
            }
          }
        }
      }
      guard let dWeight, let dBias else { return }
      for n in 0..<batch {
        let sums = channelSums + 2 * n * channels
        for c in 0..<channels {
          dBias[c] += sums[2 * c]
          dWeight[c] += sums[2 * c + 1]
        }
      }
    }
  }
}
