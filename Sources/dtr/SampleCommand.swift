import ArgumentParser
import DTRData
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRFormats
import DTRModels
import DTRTraining
import Foundation

/// `dtr sample`: draw a grid of samples from a checkpoint.
struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate samples from a checkpoint (one row per class when class-conditional, per prompt when captioned).")

  @OptionGroup var source: CheckpointOptions
  @OptionGroup var sampling: SamplerOptions
  @Option(help: "Number of samples (captioned models: per prompt, default 8; otherwise default 100).") var n: Int?
  @Option(help: "Captioned models: the prompt, e.g. \"a large light bag on the right\".") var prompt: String?
  @Option(help: "Captioned models: a file of prompts, one per line (blank lines and # comments skipped).")
  var prompts: String?
  @Option(help: "Only this class (default: all classes in rows).") var `class`: Int?
  @Option(help: "Seed of the initial noise and sampling noise.") var seed: UInt64 = 0
  @Option(help: "Initial noise [N,C,H,W] as float32 .npy (overrides --seed for x_T).") var noise: String?
  @Option(help: "Output PNG grid.") var out: String
  @Option(help: "Also write the samples as float32 .npy [N,C,H,W] in [-1,1].") var npy: String?

  func validate() throws {
    if let n, n < 1 { throw ValidationError("--n must be ≥ 1") }
    if prompt != nil && prompts != nil { throw ValidationError("give --prompt or --prompts, not both") }
    if !out.hasSuffix(".png") { throw ValidationError("--out must name a .png file") }
  }

  func run() throws {
    let (config, net) = try source.load()
    let mc = net.config
    guard !mc.captioned else { return try runCaptioned(config, net) }
    if prompt != nil || prompts != nil {
      throw CLIError("\(source.checkpoint) is not a captioned model; --prompt and --prompts need one (dtr train --task captions)")
    }
    let n = n ?? 100
    if let k = `class`, !(mc.conditional && k >= 0 && k < mc.numClasses) {
      throw CLIError(mc.conditional ? "--class must be in 0…\(mc.numClasses - 1)" : "--class needs a class-conditional model")
    }
    let cols = mc.conditional && `class` == nil ? max(1, n / mc.numClasses) : Int(Double(n).squareRoot().rounded(.up))
    let labels: [Int] = (0..<n).map { i in
      if !mc.conditional { return 0 }
      if let k = `class` { return k }
      return min(mc.numClasses - 1, i / max(1, n / mc.numClasses))
    }
    let initialNoise = try readNoise(count: n, config: mc)
    // One batch: a batch's model calls round differently from a smaller batch's, so this keeps a seed's images.
    let sampler = sampling.parsed()
    let generator = SampleGenerator(sampler: sampler, cfgScale: sampling.cfg, seed: seed, batch: n)
    let bar = ProgressLine()
    let x = try generator.generate(
      model: net, schedule: NoiseSchedule(config.schedule, T: mc.timesteps), labels: labels, initialNoise: initialNoise,
      progress: { bar.update($0, $1, "sampling \(n) with \(sampler)") })
    bar.finish()
    let rows = (n + cols - 1) / cols
    try ImageGrid(rows: rows, columns: cols).write(x, to: out)
    try finish(x)
  }

  /// `--noise` as `[count, C, H, W]`, or nil.
  private func readNoise(count: Int, config mc: ModelConfig) throws -> Tensor? {
    try noise.map { path in
      let shape = [count] + mc.imageShape
      let raw = try NpyFile.read(from: path)
      guard raw.shape == shape, let v: [Float] = raw.values(as: Float.self) else {
        throw CLIError("\(path) must hold float32 noise of shape \(shape)")
      }
      return Tensor(shape, v)
    }
  }

  /// Writes `--npy` and says what was written.
  private func finish(_ x: Tensor) throws {
    if let npy { try NpyFile.write(RawTensor(x), to: npy) }
    print("wrote \(out)" + (npy.map { " and \($0)" } ?? ""))
  }

  /// A captioned model: `--n` samples of each prompt, in a grid with each prompt above its row.
  private func runCaptioned(_ config: TrainConfig, _ net: any DenoisingNetwork) throws {
    if `class` != nil { throw CLIError("--class needs a class-conditional model; a captioned model takes --prompt") }
    let texts = try promptList()
    let perPrompt = n ?? 8, count = texts.count * perPrompt
    let table = CaptionTable(captions: try texts.map { text in
      do { return try CaptionVocabulary.encode(text) } catch let e as CaptionError { throw CLIError("\(e)") }
    })
    let labels = (0..<count).map { CaptionTable.label(ofCaption: $0 / perPrompt) }
    let generator = SampleGenerator(sampler: sampling.parsed(), cfgScale: sampling.cfg, seed: seed, batch: count)
    let bar = ProgressLine()
    let x = try generator.generate(
      model: net, schedule: NoiseSchedule(config.schedule, T: net.config.timesteps), labels: labels, captions: table,
      initialNoise: try readNoise(count: count, config: net.config),
      progress: { bar.update($0, $1, "sampling \(count) with \(sampling.parsed()), cfg \(sampling.cfg)") })
    bar.finish()
    try PromptGrid(columns: perPrompt).write(x, prompts: texts, to: out)
    try finish(x)
  }

  /// `--prompt`, or the lines of `--prompts`.
  private func promptList() throws -> [String] {
    if let prompt { return [prompt] }
    guard let prompts else {
      throw CLIError("\(source.checkpoint) is a captioned model; give --prompt \"a large light bag on the right\" or --prompts FILE")
    }
    guard let text = try? String(contentsOfFile: prompts, encoding: .utf8) else {
      throw CLIError("cannot read --prompts \(prompts); give a text file with one prompt per line")
    }
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    if lines.isEmpty { throw CLIError("--prompts \(prompts) holds no prompt; write one per line") }
    return lines
  }
}
