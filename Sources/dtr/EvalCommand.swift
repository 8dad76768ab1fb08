import ArgumentParser
import DTRData
import DTRDiffusion
import DTREvaluation
import DTRTraining
import Foundation

/// `dtr eval`: the final evaluation of a checkpoint (FID-10k, KID, precision/recall, IS) with the
/// shipped evaluator.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sample from a checkpoint and score it against the Fashion-MNIST test set (FID, KID, P/R, IS).")

  @OptionGroup var source: CheckpointOptions
  @OptionGroup var sampling: SamplerOptions
  @Option(help: "Samples to generate (10000 for the reported FID-10k).") var samples = 10_000
  @Option(help: "Seed of the initial noise.") var seed: UInt64 = 0
  @Option(help: "Images per model call.") var batch = 100
  @Option(help: "Fashion-MNIST directory.") var dataDir = FashionMNIST.defaultDirectory
  @Flag(help: "Print JSON.") var json = false

  func validate() throws {
    if samples < 10 { throw ValidationError("--samples must be ≥ 10") }
    if batch < 1 { throw ValidationError("--batch must be ≥ 1") }
  }

  func run() throws {
    let evaluator = try Evaluator.load()
    let (config, model) = try source.load()
    let checkpoint = source.checkpoint, sampler = sampling.parsed(), cfg = sampling.cfg
    guard config.model.inChannels == 1 && config.model.inputSize == 28 else {
      throw CLIError("\(checkpoint) makes \(config.model.inChannels)×\(config.model.inputSize)² images; the evaluator scores 1×28×28")
    }
    let bar = ProgressLine()
    bar.note("computing test-set features (\(evaluator.tag))…")
    let reference = try evaluator.referenceSet(dataDirectory: dataDir)
    bar.note(String(format: "test-set features: %.1f s", reference.seconds))
    let generator = SampleGenerator(sampler: sampler, cfgScale: cfg, seed: seed, batch: batch)
    let started = Date()
    let images = try generator.generate(model: model, schedule: NoiseSchedule(config.schedule, T: config.model.timesteps),
                                        count: samples, progress: { done, total in bar.update(done, total, "sampling \(sampler)") })
    bar.note(String(format: "sampled %d images in %.0f s", samples, Date().timeIntervalSince(started)))
    let report = try evaluator.evaluate(generated: images, dataDirectory: dataDir)
    let conditioning = config.model.conditional ? "cfg \(cfg), balanced labels" : "unconditional"
    try printReport(report, json: json, details: [
      ("checkpoint", checkpoint), ("weights", source.weights), ("sampler", "\(sampler) (\(conditioning))"), ("seed", "\(seed)"),
    ])
  }
}
