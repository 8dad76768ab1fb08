import ArgumentParser
import DTRDiffusion
import DTRModels
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr train`: train a DiT with DTR on Fashion-MNIST (the workbench on a terminal, headless otherwise).
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a diffusion model on Fashion-MNIST; opens the workbench on a terminal, headless otherwise.")

  @OptionGroup var modelOptions: ModelOptions
  @Option(help: "Peak learning rate (AdamW).") var lr = 1e-4
  @Option(help: "AdamW weight decay.") var weightDecay = 0.0
  @Option(help: "Learning-rate schedule: constant or cosine.") var lrSchedule = "constant"
  @Option(help: "Linear warm-up steps.") var warmup = 0
  @Option(help: "Global gradient-norm clipping (0 = off).") var gradClip = 0.0
  @Option(help: "Images per step.") var batch = 128
  @Option(help: "Train for this many steps (overrides --epochs).") var steps: Int?
  @Option(help: "Train for this many epochs.") var epochs = 10
  @Option(help: "Loss weighting: uniform, min-snr:GAMMA or p2:GAMMA,K.") var lossWeight = "uniform"
  @Option(help: "Noise schedule: linear or cosine.") var schedule = "linear"
  @Option(help: "EMA decay of the sampling weights.") var ema = 0.9999
  @Flag(help: "Random horizontal flips.") var hflip = false
  @Option(help: "Seed of everything.") var seed: UInt64 = 0
  @Option(help: "Fashion-MNIST directory (IDX files, raw or .gz).") var dataDir = "/usr/share/datasets/fashion-mnist"
  @Option(help: "Run directory (default runs/<preset>-<routing>-<time>).") var runDir: String?
  @Flag(help: "Continue the run in --run-dir from its last checkpoint.") var resume = false
  @Option(help: "Sample grid every N epochs (0 = off).") var sampleEvery = 1
  @Option(help: "Sampler for grids: ddim:N, ddim:N:ETA or ddpm:N.") var sampler = "ddim:50"
  @Option(help: "Guidance scale for grids.") var cfg = 1.5
  @Option(help: "Checkpoints to keep.") var keep = 3
  @Option(help: "FID-2k/KID with the EMA weights every N epochs (0 = off).") var evalEvery = 2
  @Flag(help: "No workbench: print progress to stderr (automatic when stdout is not a terminal).") var headless = false
  @Option(help: "Workbench theme: a name in themes/ (default, light, high-contrast, greyscale) or a .theme path.")
  var theme = "default"

  func validate() throws {
    if resume && runDir == nil { throw ValidationError("--resume needs --run-dir runs/NAME") }
    if let steps, steps < 1 { throw ValidationError("--steps must be ≥ 1") }
    if epochs < 1 { throw ValidationError("--epochs must be ≥ 1") }
    if evalEvery < 0 { throw ValidationError("--eval-every must be ≥ 0") }
    if NoiseSchedule.Kind(rawValue: schedule) == nil { throw ValidationError("--schedule must be linear or cosine") }
  }

  func run() throws {
    var cfg = TrainConfig()
    cfg.preset = modelOptions.preset
    cfg.model = try modelOptions.config(seed: seed)
    cfg.lr = lr
    cfg.weightDecay = weightDecay
    cfg.lrSchedule = lrSchedule
    cfg.warmupSteps = warmup
    cfg.gradClip = gradClip
    cfg.batch = batch
    cfg.steps = steps ?? 0
    cfg.epochs = epochs
    cfg.lossWeighting = lossWeight
    cfg.schedule = NoiseSchedule.Kind(rawValue: schedule)!
    cfg.emaDecay = ema
    cfg.hflip = hflip
    cfg.seed = seed
    cfg.dataDir = dataDir
    cfg.sampleEveryEpochs = sampleEvery
    cfg.sampler = sampler
    cfg.cfgScale = self.cfg
    cfg.keepCheckpoints = keep
    cfg.evalEveryEpochs = evalEvery
    if let e = cfg.validationError { throw CLIError(e) }
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    let dir = runDir ?? "runs/\(cfg.preset)-\(cfg.model.routing.rawValue)-\(stamp)"
    var resumeFrom: String?
    if resume {
      let last = dir + "/last.safetensors"
      guard FileManager.default.fileExists(atPath: last) else {
        throw CLIError("no checkpoint to resume in \(dir) (expected \(last)); drop --resume to start a new run")
      }
      let (saved, _) = try Checkpoint.config(at: last)
      var merged = saved
      merged.steps = cfg.steps
      merged.epochs = cfg.epochs
      cfg = merged
      resumeFrom = last
    } else if FileManager.default.fileExists(atPath: dir + "/events.jsonl") {
      throw CLIError("\(dir) already holds a run; pass --resume to continue it or choose another --run-dir")
    }
    let data = try FashionMNISTBatches(directory: cfg.dataDir, batch: cfg.batch, seed: cfg.seed, hflip: cfg.hflip)
    let trainer = try Trainer(config: cfg, runDirectory: dir, data: data, resumeFrom: resumeFrom)
    let interactive = !headless && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0
    _ = TrainingHost.run(trainer, workbench: interactive ? WorkbenchOptions(theme: theme) : nil)
  }
}
