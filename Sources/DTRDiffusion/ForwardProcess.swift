import DTREngine

/// The forward (noising) process and the training loss of ε-prediction.
public enum ForwardProcess {
  /// `out = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε`, per sample.
  public static func qSample(
    x0: Tensor, noise: Tensor, t: [Int], schedule: NoiseSchedule, out: Tensor
  ) {
    let N = t.count, per = x0.count / N
    out.reshape(x0.shape)
    for n in 0..<N {
      let a = Float(schedule.alphasCumprod[t[n]].squareRoot())
      let b = Float((1 - schedule.alphasCumprod[t[n]]).squareRoot())
      let o = n * per
      for j in 0..<per { out.data[o + j] = a * x0.data[o + j] + b * noise.data[o + j] }
    }
  }
}
