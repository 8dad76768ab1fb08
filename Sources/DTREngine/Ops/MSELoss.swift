/// Weighted mean-squared error for ε-prediction: per sample `ℓ_n = mean_j (pred − target)²`, total
/// `L = (1/N) Σ_n w_n·ℓ_n`.
public enum MSELossOp {
  /// Returns L and writes each sample's unweighted ℓ_n into `perSample` (for per-timestep curves).
  public static func forward(
    pred: UnsafePointer<Float>, target: UnsafePointer<Float>, batch: Int, perSampleCount: Int,
    weights: UnsafePointer<Float>? = nil, perSample: UnsafeMutablePointer<Float>
  ) -> Float {
    return Profiler.time(.elementwise) {
      let J = perSampleCount
      Parallel.forRange(batch, minChunk: max(1, 16384 / max(J, 1))) { s, e in
        for n in s..<e {
          var acc = SIMD16<Float>()
          var j = 0
          let p = UnsafeRawPointer(pred + n * J), t = UnsafeRawPointer(target + n * J)
          while j + 16 <= J {
            let d = p.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
              - t.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
            acc += d * d
            j += 16
          }
          var sum = acc.sum()
          while j < J {
            let d = pred[n * J + j] - target[n * J + j]
            sum += d * d
            j += 1
          }
          perSample[n] = sum / Float(J)
        }
      }
      var total: Double = 0
      for n in 0..<batch { total += Double(perSample[n] * (weights?[n] ?? 1)) }
      return Float(total / Double(batch))
    }
  }

  /// `dPred = 2·w_n·(pred − target)/(N·J)` (overwritten).
  public static func backward(
    pred: UnsafePointer<Float>, target: UnsafePointer<Float>, batch: Int, perSampleCount: Int,
    weights: UnsafePointer<Float>? = nil, dPred: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      let J = perSampleCount
      Parallel.forRange(batch, minChunk: 1) { s, e in
        for n in s..<e {
          let f = 2 * (weights?[n] ?? 1) / Float(batch * J)
          for j in 0..<J { dPred[n * J + j] = f * (pred[n * J + j] - target[n * J + j]) }
        }
      }
    }
  }
}
