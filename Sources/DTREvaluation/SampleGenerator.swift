import DTRDiffusion
import DTREngine
import DTRModels

/// The one way images are drawn from a denoising network: it puts labels, initial noise and the
/// ``Sampler`` together for sample grids, `dtr sample`, `dtr eval`, the FID probe and `dtr bench sample`.
///
/// Images are drawn in batches of ``batch``. The initial noise x_T of all samples is one stream from
/// ``SplitMix64``(`seed`) (or given): identical on every call with the same seed and, for an even number
/// of pixels per image (28×28), independent of the batch size. Each batch's per-step noise (DDPM, DDIM
/// η > 0) comes from its own generator derived from the seed and the batch's first index. Unconditional
/// models are sampled without guidance whatever ``cfgScale`` says.
public struct SampleGenerator: Sendable {
  /// Default sampler of sample grids, `dtr sample` and `dtr eval`: DPM-Solver++(2M) with 15 model calls,
  /// within the seed noise of DDIM-50's FID-2k at 30% of its calls, guiding only where 0.28 < σ ≤ 5.42
  /// (5 of the 15 calls; ``GuidanceInterval/kynkaanniemi``), which keeps guidance's FID at two thirds of
  /// the forward passes (docs/performance.md, "Sampling" and "Guidance in a limited interval").
  public static let defaultSampler = Sampler(.dpmpp2m, steps: 15, guidance: .kynkaanniemi)

  /// The reverse-process sampler, e.g. DDIM with 25 or 50 steps.
  public var sampler: Sampler
  /// Classifier-free guidance scale (ignored by unconditional models).
  public var cfgScale: Double
  /// Seed of the initial noise and of the per-step noise.
  public var seed: UInt64
  /// Images per model call (doubled internally at the calls the sampler guides).
  public var batch: Int

  /// A generator with the given sampler, guidance scale, seed and batch size.
  public init(sampler: Sampler, cfgScale: Double, seed: UInt64, batch: Int = 100) {
    precondition(batch >= 1, "batch must be ≥ 1")
    self.sampler = sampler
    self.cfgScale = cfgScale
    self.seed = seed
    self.batch = batch
  }

  /// The label of sample i of `count` for a model with configuration `config`: `i mod classes` for a
  /// conditional model (so any multiple of the class count is exactly balanced, e.g. 1000 per class for
  /// 10 000 samples) and the null label otherwise.
  public static func balancedLabels(count: Int, config: ModelConfig) -> [Int] {
    (0..<count).map { config.conditional ? $0 % config.numClasses : config.nullClass }
  }

  /// `count` samples with ``balancedLabels(count:config:)``; see
  /// ``generate(model:schedule:labels:initialNoise:progress:isCancelled:)``.
  public func generate(model: any DenoisingNetwork, schedule: NoiseSchedule, count: Int,
                       progress: ((Int, Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil) throws -> Tensor {
    try generate(model: model, schedule: schedule, labels: Self.balancedLabels(count: count, config: model.config),
                 progress: progress, isCancelled: isCancelled)
  }

  /// One sample per label, `[labels.count, C, H, W]` (raw model outputs, roughly in [−1, 1]).
  ///
  /// - Parameters:
  ///   - labels: the class of each sample (the model's null class for unconditional draws); for a
  ///     captioned model, the row of `captions` each sample shows.
  ///   - captions: a captioned model's prompts, bound as its ``DTRModels/DenoisingNetwork/captions``
  ///     (guidance pairs each with the null caption, row 0).
  ///   - initialNoise: x_T for all samples (`[labels.count, C, H, W]`); drawn from ``seed`` when nil.
  ///   - progress: `(done, total)` in model steps over all batches.
  ///   - isCancelled: asked before every model step; once it answers true, generation stops with
  ///     `CancellationError`.
  public func generate(model: any DenoisingNetwork, schedule: NoiseSchedule, labels: [Int], captions: CaptionTable? = nil,
                       initialNoise: Tensor? = nil, progress: ((Int, Int) -> Void)? = nil,
                       isCancelled: (() -> Bool)? = nil) throws -> Tensor {
    let c = model.config
    precondition(c.captioned == (captions != nil), "a captioned model samples from captions, a class model from labels")
    if let captions { model.captions = captions }
    let count = labels.count
    let shape = c.imageShape, per = shape.reduce(1, *)
    if let initialNoise {
      precondition(initialNoise.shape == [count] + shape,
                   "initial noise must be \([count] + shape), got \(initialNoise.shape)")
    }
    let images = Tensor([count] + shape)
    var noise = SplitMix64(seed: seed)
    let batches = (count + batch - 1) / batch
    for (b, start) in stride(from: 0, to: count, by: batch).enumerated() {
      let n = min(batch, count - start)
      let x = Tensor([n] + shape)
      if let initialNoise {
        x.data.update(from: initialNoise.data + start * per, count: n * per)
      } else {
        noise.fillNormal(x.data, count: x.count)
      }
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
