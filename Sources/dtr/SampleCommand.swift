import ArgumentParser
import DTRDiffusion
import DTREngine
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
    let x = Tensor([n, mc.inChannels, mc.inputSize, mc.inputSize])
    var rng = SplitMix64(seed: seed)
    if let noise {
      let raw = try NpyFile.read(from: noise)
      guard raw.shape == x.shape, let v: [Float] = raw.values(as: Float.self) else {
        throw CLIError("\(noise) must hold float32 noise of shape \(x.shape)")
      }
      v.withUnsafeBufferPointer { x.data.update(from: $0.baseAddress!, count: v.count) }
    } else {
      rng.fillNormal(x.data, count: x.count)
    }
    let schedule = NoiseSchedule(config.schedule, T: mc.timesteps)
    let bar = ProgressLine()
    sampling.parsed.sample(
      model: { x, t, y, o in net.forward(x, t: t, y: y, out: o) }, schedule: schedule, x: x, labels: labels,
      cfgScale: mc.conditional ? sampling.cfg : 1, nullClass: mc.nullClass, rng: &rng,
      progress: { bar.update($0, $1, "sampling \(n) with \(sampling.sampler)") })
    bar.finish()
    let rows = (n + cols - 1) / cols
    try ImageGrid(rows: rows, columns: cols).write(x, to: out)
    if let npy { try NpyFile.write(RawTensor(x), to: npy) }
    print("wrote \(out)" + (npy.map { " and \($0)" } ?? ""))
  }
}
