import ArgumentParser
import DTRTraining
import Foundation

/// `dtr affinity`: how the denoising tasks of a checkpoint's timesteps help or fight each other.
struct Affinity: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure task affinity between timestep buckets of a checkpoint (gradient cosine, conflict, lookahead).")

  @OptionGroup var source: CheckpointOptions
  @Option(help: "Timestep buckets K.") var buckets = 10
  @Option(help: "Probe samples per bucket.") var perBucket = 32
  @Option(help: "Lookahead SGD step η.") var eta = 1e-3
  @Flag(help: "Print the measurement as JSON.") var json = false
  @Option(help: "Also draw both heatmaps to this PNG (with the .csv and .gp beside it).") var png: String?

  func validate() throws {
    if buckets < 2 { throw ValidationError("--buckets must be ≥ 2") }
    if perBucket < 1 { throw ValidationError("--per-bucket must be ≥ 1") }
    if let png, !png.hasSuffix(".png") { throw ValidationError("--png must name a .png file") }
  }

  func run() throws {
    let (config, model) = try source.load()
    let r = try TaskAffinity(config: config, buckets: buckets, perBucket: perBucket, eta: eta).measure(model)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      print(String(decoding: try encoder.encode(r), as: UTF8.self))
    } else {
      print(String(format: "task affinity of %@ (%@ weights), %d buckets, %.1f s; conflict rate %.0f%%", source.checkpoint,
                   source.weights, buckets, r.seconds, 100 * r.conflictRate))
      for (title, m) in [("gradient cosine", r.cosine), ("lookahead affinity", r.lookahead)] {
        print("\n\(title) (row i, column j; t ranges \(r.edges.map(String.init).joined(separator: " ")))")
        for row in m { print(row.map { String(format: "%+.3f", $0) }.joined(separator: " ")) }
      }
      let c = r.meanByDistance(r.cosine), l = r.meanByDistance(r.lookahead)
      print(String(format: "\nadjacent vs distant buckets: cosine %+.3f vs %+.3f, lookahead %+.4f vs %+.4f",
                   c.adjacent, c.distant, l.adjacent, l.distant))
    }
    if let png, let warning = try AffinityPlot.write(r, png: png) {
      writeStderr("warning: \(warning)\n")
    }
  }
}
