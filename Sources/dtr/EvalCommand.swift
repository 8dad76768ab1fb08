import ArgumentParser
import DTRData
import DTRDiffusion
import DTRModels
import DTREvaluation
import DTRTraining
import Foundation

/// `dtr eval`: the final evaluation of a checkpoint (FID-10k, KID, precision/recall, IS) with the
/// shipped evaluator; with `--task captions`, the caption scores of a captioned model (crop FID, caption
/// and attribute accuracies, seen vs held-out combinations).
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sample from a checkpoint and score it against the Fashion-MNIST test set (FID, KID, P/R, IS).",
    discussion: """
      --task captions scores a captioned model: --samples captions, half of combinations seen in training and \
      half with a held-out (class, slot) pair, one sample each; the shipped evaluator classifies each garment's \
      crop (caption and class accuracy), the pixels give size, brightness, top/bottom and flip, and crop FID \
      compares the garments with the same layouts drawn from real test images.
      """)

  @OptionGroup var source: CheckpointOptions
  @OptionGroup var sampling: SamplerOptions
  @Option(help: "Samples to generate (10000 for the reported FID-10k).") var samples = 10_000
  @Option(help: "Seed of the initial noise.") var seed: UInt64 = 0
  @Option(help: "Images per model call.") var batch = 100
  @Option(help: "Fashion-MNIST directory.") var dataDir = FashionMNIST.defaultDirectory
  @Option(help: "What the checkpoint draws: fashion (default) or captions.") var task = "fashion"
  @Flag(help: "Print JSON.") var json = false

  func validate() throws {
    if samples < 10 { throw ValidationError("--samples must be ≥ 10") }
    if batch < 1 { throw ValidationError("--batch must be ≥ 1") }
    if TrainTask(rawValue: task) == nil { throw ValidationError("--task must be fashion or captions") }
  }

  func run() throws {
    let evaluator = try Evaluator.load()
    let (config, model) = try source.load()
    let checkpoint = source.checkpoint, sampler = sampling.parsed(), cfg = sampling.cfg
    guard config.task.rawValue == task else {
      throw CLIError("\(checkpoint) was trained with --task \(config.task.rawValue); evaluate it with --task \(config.task.rawValue)")
    }
    if config.task == .captions { return try evaluateCaptions(config, model, evaluator) }
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
      ("precision", model.precision.rawValue),
    ], jsonContext: ["sampler": sampler.description, "cfg": config.model.conditional ? cfg : 1, "seed": seed,
                     "weights": source.weights, "sampling_precision": model.precision.rawValue])
  }
}

extension Eval {
  /// `--task captions`: sample one canvas per caption and score it (``CaptionScorer``).
  func evaluateCaptions(_ config: TrainConfig, _ model: any DenoisingNetwork, _ evaluator: Evaluator) throws {
    let bar = ProgressLine()
    let probe = try CaptionProbe(evaluator: evaluator, dataDirectory: dataDir, samples: samples, sampler: sampling.parsed(),
                                 cfgScale: sampling.cfg, seed: seed, batch: batch)
    let result = try probe.measure(model: model, schedule: NoiseSchedule(config.schedule, T: config.model.timesteps),
                                   progress: { done, total, phase in
                                     if phase == .sampling { bar.update(done, total, "sampling \(sampling.parsed())") }
                                   })
    bar.note(String(format: "sampled and scored %d canvases in %.0f s", samples, result.seconds))
    let scores = result.scores
    if json { return print(try scores.json()) }
    print("checkpoint \(source.checkpoint) (\(source.weights)), \(sampling.parsed()), cfg \(sampling.cfg), seed \(seed)")
    print(scores.markdown)
  }
}
