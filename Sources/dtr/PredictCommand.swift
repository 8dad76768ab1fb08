import ArgumentParser
import DTREngine
import DTRFormats
import DTRTraining
import Foundation

/// `dtr predict`: one raw model call, for debugging and for comparing against another implementation.
struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the model once on given noisy images, timesteps and labels; write ε̂ as .npy.")

  @OptionGroup var source: CheckpointOptions
  @Option(help: "Noisy images [N,C,H,W] (float32 .npy).") var x: String
  @Option(help: "Integer timesteps [N] (int64 .npy), original 0…T−1.") var t: String
  @Option(help: "Labels [N] (int64 .npy); the null class is num_classes.") var y: String?
  @Option(help: "Output ε̂ (float32 .npy).") var out: String

  func run() throws {
    let (_, net) = try source.load()
    let mc = net.config
    if mc.captioned {
      throw CLIError("\(source.checkpoint) is a captioned model; dtr predict feeds class labels (sample it with dtr sample --prompt)")
    }
    let xr = try NpyFile.read(from: x)
    guard xr.shape.count == 4, xr.shape[1] == mc.inChannels, xr.shape[2] == mc.inputSize, xr.shape[3] == mc.inputSize,
      let xv: [Float] = xr.values(as: Float.self)
    else { throw CLIError("\(x) must be float32 [N,\(mc.inChannels),\(mc.inputSize),\(mc.inputSize)], got \(xr.shape)") }
    let n = xr.shape[0]
    let ts = try readInts(t, count: n, name: "--t")
    guard ts.allSatisfy({ $0 >= 0 && $0 < mc.timesteps }) else { throw CLIError("--t values must be in 0…\(mc.timesteps - 1)") }
    let ys = try y.map { try readInts($0, count: n, name: "--y") } ?? Array(repeating: mc.conditional ? mc.nullClass : 0, count: n)
    guard ys.allSatisfy({ $0 >= 0 && $0 < mc.labelRows }) else { throw CLIError("--y values must be in 0…\(mc.labelRows - 1)") }
    let xt = Tensor(xr.shape, xv), o = Tensor(xr.shape)
    net.forward(xt, t: ts, y: ys, out: o)
    try NpyFile.write(RawTensor(o), to: out)
    print("wrote \(out) \(o.shape)")
  }

  private func readInts(_ path: String, count: Int, name: String) throws -> [Int] {
    let r = try NpyFile.read(from: path)
    guard r.shape == [count], let v: [Int64] = r.values(as: Int64.self) else {
      throw CLIError("\(name) \(path) must be int64 of shape [\(count)], got \(r.elementType) \(r.shape)")
    }
    return v.map(Int.init)
  }
}
