import ArgumentParser
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import DTRTraining

/// Every flag that defines a training run, shared by `dtr train` and `dtr experiment`. Each is optional,
/// so the flags given explicitly are known: a resume keeps the saved value of every flag not given.
struct TrainOptions: ParsableArguments {
  @OptionGroup var model: ModelOptions
  @Option(help: "What to learn: fashion (Fashion-MNIST, default) or captions (28×56 caption canvases; with --preset caption-tiny or caption-small).")
  var task: String?
  @Option(help: "Peak learning rate (AdamW; default 1e-3 for a UNet, 5e-4 for a DiT).") var lr: Double?
  @Option(help: "AdamW weight decay (default 0).") var weightDecay: Double?
  @Option(help: "Learning-rate schedule: constant or cosine.") var lrSchedule: String?
  @Option(help: "Linear warm-up steps.") var warmup: Int?
  @Option(help: "Global gradient-norm clipping (0 = off).") var gradClip: Double?
  @Option(help: "Images per step (default 128).") var batch: Int?
  @Option(help: "Train for this many steps (overrides --epochs).") var steps: Int?
  @Option(help: "Train for this many epochs (default 10).") var epochs: Int?
  @Option(help: "Loss weighting: uniform, min-snr:GAMMA, p2:GAMMA,K or ant-uw (learned per-interval weights; stratifies t).")
  var lossWeight: String?
  @Option(help: "Timestep sampling: uniform or stratified (8 intervals in every batch).") var tSampling: String?
  @Option(help: "Noise schedule: linear or cosine.") var schedule: String?
  @Option(help: "EMA decay of the sampling weights (default 0.9999).") var ema: Double?
  @Flag(help: "Random horizontal flips.") var hflip = false
  @Option(help: "Seed of everything (default 0).") var seed: UInt64?
  @Option(help: "Fashion-MNIST directory (IDX files, raw or .gz).") var dataDir: String?
  @Option(help: "Sample grid every N epochs (0 = off; default 1).") var sampleEvery: Int?
  @Option(help: "Sampler for grids: \(Sampler.spellings) (default \(SampleGenerator.defaultSampler)).") var sampler: String?
  @Option(help: "Guidance scale for grids (default 1.5).") var cfg: Double?
  @Option(help: "Sampler of the FID-2k/KID probe during training: \(Sampler.spellings) (default \(FIDProbe.defaultSampler)).")
  var evalSampler: String?
  @Option(help: "Guidance scale of the FID-2k/KID probe during training (default \(FIDProbe.defaultCfgScale), unguided).")
  var evalCfg: Double?
  @Option(help: "Number format of the probe's sampling: auto (bf16 for a UNet on a CPU with AVX512_BF16, else fp32; the default), fp32 or bf16.")
  var evalPrecision: ProbePrecision?
  @Option(help: "Checkpoints to keep (default 3).") var keep: Int?
  @Option(help: "FID-2k/KID with the EMA weights every N epochs (0 = off; default 2).") var evalEvery: Int?
  @Option(help: "Also checkpoint after this many minutes without one (0 = epoch ends only; default 10).")
  var checkpointEveryMinutes: Double?
  @Option(help: "Measure task affinity between timestep buckets every N steps (0 = off; default once per epoch).")
  var affinityEverySteps: Int?

  func validate() throws {
    if let steps, steps < 1 { throw ValidationError("--steps must be ≥ 1") }
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be ≥ 1") }
    if let evalEvery, evalEvery < 0 { throw ValidationError("--eval-every must be ≥ 0") }
    if let affinityEverySteps, affinityEverySteps < 0 { throw ValidationError("--affinity-every-steps must be ≥ 0") }
    if let checkpointEveryMinutes, !(checkpointEveryMinutes >= 0) {
      throw ValidationError("--checkpoint-every-minutes must be ≥ 0")
    }
    if let task, TrainTask(rawValue: task) == nil { throw ValidationError("--task must be fashion or captions") }
    if let tSampling, TimestepSampler(rawValue: tSampling) == nil {
      throw ValidationError("--t-sampling must be uniform or stratified")
    }
    if let schedule, NoiseSchedule.Kind(rawValue: schedule) == nil {
      throw ValidationError("--schedule must be linear or cosine")
    }
  }

  /// The defaults every run starts from: TrainConfig's, with the default preset's model routed by DTR.
  func base() -> TrainConfig {
    var c = TrainConfig()
    c.preset = ModelConfig.defaultPreset
    c.model = ModelConfig.preset(c.preset)!
    c.lr = TrainConfig.defaultLR(for: c.model.arch)
    c.model.routingSeed = c.seed &+ 0xA5
    return c
  }

  /// The flags given explicitly, in an order where later ones may rely on earlier ones.
  func overrides() throws -> [TrainOverride] {
    var out: [TrainOverride] = []
    func add<V: Equatable>(_ flag: String, _ value: V?, _ kind: TrainOverride.Kind,
                           _ key: WritableKeyPath<TrainConfig, V>) {
      guard let value else { return }
      out.append(TrainOverride(flag, kind, apply: { $0[keyPath: key] = value }, describe: { "\($0[keyPath: key])" }))
    }
    if let seed {
      out.append(TrainOverride("--seed", .fixed, apply: {
        $0.seed = seed
        $0.model.routingSeed = seed &+ 0xA5
      }, describe: { "\($0.seed)" }))
    }
    if let task = task.flatMap(TrainTask.init(rawValue:)) {
      out.append(TrainOverride("--task", .fixed, apply: {
        $0.task = task
        // Task affinity scores class-labelled 28×28 images. The caption probe (crop FID, caption accuracy)
        // runs only when asked (--eval-every, or dtr experiment's --eval-at): it costs more than a class probe.
        if task == .captions { ($0.evalEveryEpochs, $0.affinityEverySteps) = (0, 0) }
      }, describe: { $0.task.rawValue }))
    }
    let shape = model.explicitShapeFlags
    if !shape.isEmpty {
      let built = try model.config(seed: 0)
      let preset = model.presetName
      func describe(_ m: ModelConfig, _ preset: String) -> String {
        "preset \(preset), \(m.shapeDescription), routing \(m.routing.rawValue), \(m.conditional ? "\(m.numClasses) classes" : "unconditional")"
      }
      out.append(TrainOverride(shape.joined(separator: " "), .fixed, apply: { c in
        var m = built
        (m.alpha, m.beta, m.routingSeed) = (c.model.alpha, c.model.beta, c.seed &+ 0xA5)
        c.model = m
        c.preset = preset
        c.lr = TrainConfig.defaultLR(for: m.arch)  // an --lr given too is applied after this
      }, describe: { describe($0.model, $0.preset) }))
    }
    if let a = model.alpha {
      out.append(TrainOverride("--alpha", .hyperparameter(.alpha), apply: { $0.model.alpha = a }, describe: { "\($0.model.alpha)" }))
    }
    if let b = model.beta {
      out.append(TrainOverride("--beta", .hyperparameter(.beta), apply: { $0.model.beta = b }, describe: { "\($0.model.beta)" }))
    }
    add("--precision", model.precision, .plan, \.precision)
    add("--lr", lr, .hyperparameter(.lr), \.lr)
    add("--weight-decay", weightDecay, .fixed, \.weightDecay)
    add("--lr-schedule", lrSchedule, .fixed, \.lrSchedule)
    add("--warmup", warmup, .fixed, \.warmupSteps)
    add("--grad-clip", gradClip, .fixed, \.gradClip)
    add("--batch", batch, .fixed, \.batch)
    if let epochs {
      let keepSteps = steps
      out.append(TrainOverride("--epochs", .plan, apply: {
        $0.epochs = epochs
        if keepSteps == nil { $0.steps = 0 }
      }, describe: { "\($0.epochs) epochs, \($0.steps) steps" }))
    }
    add("--steps", steps, .plan, \.steps)
    add("--loss-weight", lossWeight, .fixed, \.lossWeighting)
    add("--t-sampling", tSampling.flatMap(TimestepSampler.init(rawValue:)), .fixed, \.tSampling)
    add("--schedule", schedule.flatMap(NoiseSchedule.Kind.init(rawValue:)), .fixed, \.schedule)
    add("--ema", ema, .fixed, \.emaDecay)
    add("--hflip", hflip ? true : nil, .fixed, \.hflip)
    add("--data-dir", dataDir, .fixed, \.dataDir)
    add("--sample-every", sampleEvery, .plan, \.sampleEveryEpochs)
    add("--sampler", sampler, .plan, \.sampler)
    add("--cfg", cfg, .plan, \.cfgScale)
    add("--eval-sampler", evalSampler, .plan, \.evalSampler)
    add("--eval-cfg", evalCfg, .plan, \.evalCfgScale)
    add("--eval-precision", evalPrecision, .plan, \.evalPrecision)
    add("--keep", keep, .plan, \.keepCheckpoints)
    add("--eval-every", evalEvery, .plan, \.evalEveryEpochs)
    add("--checkpoint-every-minutes", checkpointEveryMinutes, .plan, \.checkpointEveryMinutes)
    if let affinityEverySteps {
      out.append(TrainOverride("--affinity-every-steps", .plan, apply: { $0.affinityEverySteps = affinityEverySteps },
                               describe: { "\($0.affinityEverySteps.map(String.init) ?? "once per epoch")" }))
    }
    return out
  }
}
