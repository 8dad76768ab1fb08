import DTRDiffusion
import DTREngine
import DTRModels

/// Draws many samples from a denoising network for evaluation, in batches, from seeded initial noise.
///
/// Sample i gets label `i mod classes` for a conditional model (so any multiple of the class count is
/// exactly balanced, e.g. 1000 per class for 10 000 samples) and the null label otherwise. The initial
/// noise of all samples is one stream from ``SplitMix64``(`seed`): identical on every call with the same
/// seed and, for an even number of pixels per image (28×28), independent of the batch size. Each batch's
/// per-step noise (DDPM, DDIM η > 0) comes from its own generator derived from the seed and the batch's
/// first index.
public struct SampleGenerator: Sendable {
  /// The reverse-process sampler, e.g. DDIM with 25 or 50 steps.
  public var sampler: Sampler
  /// Classifier-free guidance scale (ignored by unconditional models).
  public var cfgScale: Double
  /// Seed of the initial noise.
  public var seed: UInt64
  /// Images per model call (doubled internally when guidance is on).
  public var batch: Int

  /// A generator with the given sampler, guidance scale, seed and batch size.
  public init(sampler: Sampler, cfgScale: Double, seed: UInt64, batch: Int = 100) {
    precondition(batch >= 1, "batch must be ≥ 1")
    self.sampler = sampler
    self.cfgScale = cfgScale
    self.seed = seed
    self.batch = batch
  }

  /// The label of sample i of `count` for a model with configuration `config`.
  public static func balancedLabels(count: Int, config: ModelConfig) -> [Int] {
    (0..<count).map { config.conditional ? $0 % config.numClasses : config.nullClass }
  }

  /// `count` samples `[count, C, H, W]` (raw model outputs, roughly in [−1, 1]); `progress(done, total)`
  /// counts model steps over all batches. Throws `CancellationError` as soon as `isCancelled` answers true
  /// (it is asked before every model step).
  public func generate(model: any DenoisingNetwork, schedule: NoiseSchedule, count: Int,
                       progress: ((Int, Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil) throws -> Tensor {
    let c = model.config
    let labels = Self.balancedLabels(count: count, config: c)
    let per = c.inChannels * c.inputSize * c.inputSize
    let images = Tensor([count, c.inChannels, c.inputSize, c.inputSize])
    var noise = SplitMix64(seed: seed)
    let batches = (count + batch - 1) / batch
    for (b, start) in stride(from: 0, to: count, by: batch).enumerated() {
      let n = min(batch, count - start)
      let x = Tensor([n, c.inChannels, c.inputSize, c.inputSize])
      noise.fillNormal(x.data, count: x.count)
      var stepNoise = SplitMix64(seed: seed ^ 0x5A17_E5ED_0000_0000 &+ UInt64(start))
      let finished = sampler.sample(
        model: { x, t, y, out in model.forward(x, t: t, y: y, out: out) }, schedule: schedule, x: x,
        labels: Array(labels[start..<(start + n)]), cfgScale: c.conditional ? cfgScale : 1, nullClass: c.nullClass,
        rng: &stepNoise, progress: progress.map { report in { done, total in report(b * total + done, batches * total) } },
        isCancelled: isCancelled)
      if !finished { throw CancellationError() }
      (images.data + start * per).update(from: x.data, count: n * per)
    }
    return images
  }
}
