import DTREngine

/// One model call of a sampler with classifier-free guidance: where the call's noise level lies inside the
/// sampler's ``GuidanceInterval`` and the scale s ≠ 1, the batch of N images is doubled to
/// (x, labels) ‖ (x, null) and the guided ε = ε_null + s·(ε_cond − ε_null) over all channels is left in the
/// first N images of ``eps``; elsewhere the model runs once on (x, labels) and ε = ε_cond. Every sampler
/// family calls the model through this, so guidance means the same for DDPM, DDIM and DPM-Solver++.
struct GuidedDenoiser {
  let cfgScale: Double
  let interval: GuidanceInterval
  let schedule: NoiseSchedule
  let count: Int
  let per: Int
  let guided: Bool
  let labels: [Int]
  let input: Tensor
  /// ε̂ of the last call; the first `count·per` floats are the (guided) prediction.
  let eps: Tensor
  /// ε_cond of an unguided call of a guided sampler (N images).
  private let conditional: Tensor?

  init(labels: [Int], cfgScale: Double, interval: GuidanceInterval, schedule: NoiseSchedule, nullClass: Int,
       like x: Tensor) {
    self.cfgScale = cfgScale
    self.interval = interval
    self.schedule = schedule
    count = labels.count
    per = x.count / labels.count
    guided = cfgScale != 1
    let m = guided ? 2 * count : count
    self.labels = guided ? labels + Array(repeating: nullClass, count: count) : labels
    input = Tensor([m] + Array(x.shape.dropFirst()))
    eps = Tensor([m] + Array(x.shape.dropFirst()))
    conditional = guided && interval != .always ? Tensor(x.shape) : nil
  }

  /// Predicts with `model` the (guided) ε for `x` at the original timestep `t` into the first images of
  /// ``eps``.
  func predict(_ model: Denoiser, _ x: Tensor, t: Int) {
    let n = count * per
    if let conditional, !interval.contains(alphaBar: schedule.alphasCumprod[t]) {
      model(x, Array(repeating: t, count: count), Array(labels.prefix(count)), conditional)
      eps.data.update(from: conditional.data, count: n)
      return
    }
    input.data.update(from: x.data, count: n)
    if guided { (input.data + n).update(from: x.data, count: n) }
    model(input, Array(repeating: t, count: labels.count), labels, eps)
    if guided {
      let s = Float(cfgScale)
      for j in 0..<n { eps.data[j] = eps.data[n + j] + s * (eps.data[j] - eps.data[n + j]) }
    }
  }
}
