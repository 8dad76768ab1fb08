import ArgumentParser
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import DTRTraining

/// `--checkpoint`, `--weights` and `--precision`: the trained network that `sample`, `eval` and `predict` run.
struct CheckpointOptions: ParsableArguments {
  @Option(help: "Checkpoint (.safetensors) written by dtr train.") var checkpoint: String
  @Option(help: "Weights: ema or model.") var weights = "ema"
  @Option(help: PrecisionFlag.help) var precision: Precision?

  func validate() throws {
    if Checkpoint.Weights(rawValue: weights) == nil { throw ValidationError("--weights must be ema or model") }
  }

  /// The run's configuration and its network with the chosen weights, computing at `--precision`
  /// (fp32 unless given, whatever precision the run trained at).
  func load() throws -> (TrainConfig, any DenoisingNetwork) {
    let (config, net) = try Checkpoint.loadNetwork(at: checkpoint, weights: Checkpoint.Weights(rawValue: weights)!)
    net.precision = try PrecisionFlag.check(precision, for: net.config)
    return (config, net)
  }
}

/// `--sampler` and `--cfg`: how `sample`, `eval` and `bench sample` draw images.
struct SamplerOptions: ParsableArguments {
  @Option(help: "Sampler: \(Sampler.spellings) (default \(SampleGenerator.defaultSampler); bench sample: ddim:50, as PyTorch's).")
  var sampler: String?
  @Option(help: "Classifier-free guidance scale (class-conditional models; ≠ 1 doubles the batch at the calls the sampler guides).") var cfg = 1.5

  func validate() throws {
    if let sampler, Sampler(parsing: sampler) == nil {
      throw ValidationError("unknown sampler '\(sampler)'; use \(Sampler.spellings)")
    }
    if !(cfg >= 0) || !cfg.isFinite { throw ValidationError("--cfg must be ≥ 0") }
  }

  /// The sampler given (valid after `validate()`), or `fallback` when none was.
  func parsed(default fallback: Sampler = SampleGenerator.defaultSampler) -> Sampler {
    sampler.flatMap(Sampler.init(parsing:)) ?? fallback
  }
}
