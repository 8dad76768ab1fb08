import ArgumentParser
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
    abstract: "Generate samples from a checkpoint (one row per class when class-conditional).")

  @OptionGroup var source: CheckpointOptions
  @OptionGroup var sampling: SamplerOptions
  @Option(help: "Number of samples.") var n = 100
  @Option(help: "Only this class (default: all classes in rows).") var `class`: Int?
  @Option(help: "Seed of the initial noise and sampling noise.") var seed: UInt64 = 0
  @Option(help: "Initial noise [N,C,H,W] as float32 .npy (overrides --seed for x_T).") var noise: String?
  @Option(help: "Output PNG grid.") var out: String
  @Option(help: "Also write the samples as float32 .npy [N,C,H,W] in [-1,1].") var npy: String?

  func validate() throws {
    if n < 1 { throw ValidationError("--n must be ≥ 1") }
    if !out.hasSuffix(".png") { throw ValidationError("--out must name a .png file") }
  }

  func run() throws {
    let (config, net) = try source.load()
    let mc = net.config
    if let k = `class`, !(mc.conditional && k >= 0 && k < mc.numClasses) {
      throw CLIError(mc.conditional ? "--class must be in 0…\(mc.numClasses - 1)" : "--class needs a class-conditional model")
    }
    let cols = mc.conditional && `class` == nil ? max(1, n / mc.numClasses) : Int(Double(n).squareRoot().rounded(.up))
    let labels: [Int] = (0..<n).map { i in
      if !mc.conditional { return 0 }
      if let k = `class` { return k }
      return min(mc.numClasses - 1, i / max(1, n / mc.numClasses))
    }
    let initialNoise = try noise.map { path in
      let shape = [n, mc.inChannels, mc.inputSize, mc.inputSize]
      let raw = try NpyFile.read(from: path)
      guard raw.shape == shape, let v: [Float] = raw.values(as: Float.self) else {
        throw CLIError("\(path) must hold float32 noise of shape \(shape)")
      }
      return Tensor(shape, v)
    }
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
    if let npy { try NpyFile.write(RawTensor(x), to: npy) }
    print("wrote \(out)" + (npy.map { " and \($0)" } ?? ""))
  }
}
