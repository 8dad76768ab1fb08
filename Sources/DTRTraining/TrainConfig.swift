import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import Foundation

/// What a run learns to draw.
public enum TrainTask: String, Sendable, Codable, CaseIterable {
  /// Fashion-MNIST images, optionally conditioned on class labels.
  case fashion
  /// 28×56 caption canvases conditioned on their captions (docs/text-to-image.md).
  case captions
}

/// Everything that defines a training run; saved as `config.json` and in every checkpoint, and logged
/// in the `run_start` event.
public struct TrainConfig: Sendable, Codable, Equatable {
  /// What the run learns: `fashion` (the default) or `captions`.
  public var task = TrainTask.fashion
  /// Preset the model came from (informational).
  public var preset = "small"
  /// The network.
  public var model = ModelConfig()
  /// Peak AdamW learning rate (the default of the default `small` model; see ``defaultLR(for:)``).
  public var lr = 5e-4
  /// AdamW decoupled weight decay.
  public var weightDecay = 0.0
  /// `constant` or `cosine` (decays to 10% of the peak over the run).
  public var lrSchedule = "constant"
  /// Linear warm-up steps.
  public var warmupSteps = 0
  /// Global-norm gradient clipping (0 = off).
  public var gradClip = 0.0
  /// EMA decay of the sampling weights.
  public var emaDecay = 0.9999
  /// EMA warm-up: decay_n = min(decay, (1+n)/(10+n)) so EMA weights are usable early.
  public var emaWarmup = true
  /// Images per step.
  public var batch = 128
  /// Total optimizer steps (0 = derived from epochs).
  public var steps = 0
  /// Total epochs (used when steps = 0).
  public var epochs = 10
  /// β schedule.
  public var schedule = NoiseSchedule.Kind.linear
  /// Loss weighting (`uniform`, `min-snr:γ`, `p2:γ,k`, `ant-uw`).
  public var lossWeighting = "uniform"
  /// How a batch's timesteps are drawn (`ant-uw` always stratifies; see ``timestepSampler``).
  public var tSampling = TimestepSampler.uniform
  /// Random horizontal flips of training images.
  public var hflip = false
  /// Seed of everything (init, data order, timesteps, noise, label dropout).
  public var seed: UInt64 = 0
  /// Fashion-MNIST directory.
  public var dataDir = "/usr/share/datasets/fashion-mnist"
  /// Checkpoint every this many epochs (and at the end).
  public var checkpointEveryEpochs = 1
  /// Also checkpoint when this many minutes passed since the last checkpoint (0 = only at epoch ends),
  /// so a `kill -9` loses at most this much training.
  public var checkpointEveryMinutes = 10.0
  /// Checkpoints to keep (plus `best.safetensors`).
  public var keepCheckpoints = 3
  /// Sample grid every this many epochs (0 = off).
  public var sampleEveryEpochs = 1
  /// Sampler for the grids.
  public var sampler = SampleGenerator.defaultSampler.description
  /// Guidance scale for the grids.
  public var cfgScale = 1.5
  /// FID-2k/KID with the EMA weights every this many epochs (0 = off).
  public var evalEveryEpochs = 2
  /// Generated images per in-training evaluation.
  public var evalSamples = 2000
  /// Sampler of the in-training evaluation (the FID probe). A configuration saved without this key was
  /// measured with DDIM-25 and keeps it (``legacyEvalSampler``), so a resumed run's FID curve stays one metric.
  public var evalSampler = FIDProbe.defaultSampler.description
  /// Guidance scale of the in-training evaluation: 1 (unguided, half the model calls of a guided probe)
  /// by default. A configuration saved without this key was probed at ``cfgScale`` and keeps that.
  public var evalCfgScale = FIDProbe.defaultCfgScale
  /// Number format of the in-training evaluation's sampling (``ProbePrecision``): `auto` by default. A
  /// configuration saved without this key was probed at its training ``precision``: fp32 ones keep fp32,
  /// bf16 ones get `auto` (bf16 wherever it can run, so a resume on a CPU without it still probes).
  public var evalPrecision = ProbePrecision.auto
  /// Also evaluate (FID/KID with ``evalSamples``) when the step count reaches each of these (how
  /// `dtr experiment` measures every cell at the same steps).
  public var evalAtSteps: [Int] = []
  /// Timestep buckets for the per-timestep loss (and the task-affinity measurement).
  public var lossBuckets = 10
  /// Measure task affinity every this many steps (nil: once per epoch; 0: off).
  public var affinityEverySteps: Int?
  /// Emit a `step` event every this many steps.
  public var logEvery = 1
  /// The convolutions' number format (``Precision``): fp32, or bf16 operands with fp32 accumulation and
  /// master weights (a UNet on a CPU with AVX512_BF16). It may change on resume.
  public var precision = Precision.fp32

  /// The defaults (the `small` preset).
  public init() {}

  /// Why this configuration cannot run, or nil.
  public var validationError: String? {
    if let e = model.validationError { return e }
    if let e = model.precisionError(precision) { return e }
    if (task == .captions) != model.captioned {
      return task == .captions
        ? "--task captions needs a captioned model; use --preset caption-tiny or caption-small"
        : "preset \(preset) is captioned; train it with --task captions"
    }
    if task == .captions && affinityEverySteps != 0 {
      return "task affinity scores class-labelled 28×28 images; for --task captions use --affinity-every-steps 0"
    }
    if task == .captions && hflip { return "--hflip would mirror the canvases against their captions; drop it for --task captions" }
    if !(lr > 0) || !lr.isFinite { return "lr must be > 0 (got \(lr))" }
    if batch < 1 { return "batch must be ≥ 1" }
    if !(emaDecay >= 0 && emaDecay < 1) { return "ema must be in [0, 1) (got \(emaDecay))" }
    if LossWeighting(parsing: lossWeighting) == nil {
      return "unknown loss weighting '\(lossWeighting)'; use uniform, min-snr:GAMMA, p2:GAMMA,K or ant-uw"
    }
    if Sampler(parsing: sampler) == nil { return "unknown sampler '\(sampler)'; use \(Sampler.spellings)" }
    if !(evalCfgScale >= 0) || !evalCfgScale.isFinite { return "eval cfg must be ≥ 0 (got \(evalCfgScale))" }
    if Sampler(parsing: evalSampler) == nil { return "unknown eval sampler '\(evalSampler)'; use \(Sampler.spellings)" }
    if let e = evalPrecision.error(for: model) { return e }
    if !["constant", "cosine"].contains(lrSchedule) { return "lr schedule must be constant or cosine" }
    return nil
  }

  /// The configuration as a JSON value (for events and checkpoint metadata).
  public var json: String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    return String(decoding: try! enc.encode(self), as: UTF8.self)
  }

  enum CodingKeys: String, CodingKey {
    case task, preset, model, lr, weightDecay, lrSchedule, warmupSteps, gradClip, emaDecay, emaWarmup, batch, steps, epochs
    case schedule, lossWeighting, tSampling, hflip, seed, dataDir, checkpointEveryEpochs, checkpointEveryMinutes, keepCheckpoints
    case sampleEveryEpochs, sampler, cfgScale, evalEveryEpochs, evalSamples, evalSampler, evalCfgScale, evalAtSteps, lossBuckets, affinityEverySteps
    case logEvery, precision, evalPrecision
  }

  /// Decodes a configuration; fields the input lacks keep today's defaults, so configurations written by
  /// older versions (or by another engine that writes fewer keys) stay loadable.
  public init(from decoder: any Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
      if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
    }
    try read(.task, &task)
    try read(.preset, &preset)
    try read(.model, &model)
    try read(.lr, &lr)
    try read(.weightDecay, &weightDecay)
    try read(.lrSchedule, &lrSchedule)
    try read(.warmupSteps, &warmupSteps)
    try read(.gradClip, &gradClip)
    try read(.emaDecay, &emaDecay)
    try read(.emaWarmup, &emaWarmup)
    try read(.batch, &batch)
    try read(.steps, &steps)
    try read(.epochs, &epochs)
    try read(.schedule, &schedule)
    try read(.lossWeighting, &lossWeighting)
    try read(.tSampling, &tSampling)
    try read(.hflip, &hflip)
    try read(.seed, &seed)
    try read(.dataDir, &dataDir)
    try read(.checkpointEveryEpochs, &checkpointEveryEpochs)
    try read(.checkpointEveryMinutes, &checkpointEveryMinutes)
    try read(.keepCheckpoints, &keepCheckpoints)
    try read(.sampleEveryEpochs, &sampleEveryEpochs)
    try read(.sampler, &sampler)
    try read(.cfgScale, &cfgScale)
    try read(.evalEveryEpochs, &evalEveryEpochs)
    try read(.evalSamples, &evalSamples)
    evalSampler = Self.legacyEvalSampler
    try read(.evalSampler, &evalSampler)
    evalCfgScale = cfgScale
    try read(.evalCfgScale, &evalCfgScale)
    try read(.evalAtSteps, &evalAtSteps)
    try read(.lossBuckets, &lossBuckets)
    try read(.affinityEverySteps, &affinityEverySteps)
    try read(.logEvery, &logEvery)
    try read(.precision, &precision)
    evalPrecision = precision == .bf16 ? .auto : .fp32
    try read(.evalPrecision, &evalPrecision)
  }

  /// The peak learning rate a run of this family starts from when none is given, measured on 2 cores
  /// (docs/performance.md, "Time to quality"): 5e-4 for a DiT (FID-2k 73.9 at step 3744 where the paper's
  /// 1e-4 gives 274), 1e-3 for a UNet (FID-1k 49.0 at step 600 where 5e-4 gives 57.3, same noises).
  public static func defaultLR(for arch: Architecture) -> Double {
    switch arch {
    case .dit: return 5e-4
    case .unet: return 1e-3
    }
  }

  /// The FID probe's sampler before it was configurable (configurations without `evalSampler`).
  public static let legacyEvalSampler = "ddim:25"

  /// The training batches of this run's task.
  public func makeBatches() throws -> BatchSource {
    switch task {
    case .fashion: return try FashionMNISTBatches(directory: dataDir, batch: batch, seed: seed, hflip: hflip)
    case .captions: return try CaptionBatches(directory: dataDir, batch: batch, seed: seed)
    }
  }

  /// The timestep sampler in force: stratified for ANT-UW (it needs every interval in every batch), else
  /// ``tSampling``.
  public var timestepSampler: TimestepSampler { lossWeighting == "ant-uw" ? .stratified : tSampling }

  /// Decodes a saved configuration (see ``init(from:)``); nil when the text is not a JSON object.
  public static func decodingWithDefaults(_ json: String) -> TrainConfig? {
    try? JSONDecoder().decode(TrainConfig.self, from: Data(json.utf8))
  }
}
