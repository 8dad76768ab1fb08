import ArgumentParser
import DTREngine
import DTRFormats
import DTRModels
import Foundation

/// `dtr masks`: print a routing table as text or JSON.
struct Masks: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the routing mask table for given C, α, β.")

  @Option(help: "Channels C (the model's hidden width).") var channels: Int
  @Option(help: "Shift ratio α (> 0).") var alpha = 4.0
  @Option(help: "Window width β (0 < β ≤ 1).") var beta = 0.8
  @Option(help: "Timesteps T.") var timesteps = 1000
  @Option(help: "dtr or random.") var routing = "dtr"
  @Option(help: "Seed for random routing.") var seed: UInt64 = 0
  @Option(help: "text, json or png.") var format = "text"
  @Option(help: "Output file for --format png (T rows × C columns, white = active).") var out: String?

  func validate() throws {
    if channels < 1 { throw ValidationError("--channels must be ≥ 1") }
    if timesteps < 1 { throw ValidationError("--timesteps must be ≥ 1") }
    if !(alpha > 0) || !alpha.isFinite { throw ValidationError("--alpha must be > 0 (got \(alpha))") }
    if !(beta > 0 && beta <= 1) { throw ValidationError("--beta must be in (0, 1] (got \(beta))") }
    if Int(Double(channels) * beta) < 1 { throw ValidationError("--beta \(beta) leaves no active channel of \(channels)") }
    if !["dtr", "random"].contains(routing) { throw ValidationError("--routing must be dtr or random") }
    if !["text", "json", "png"].contains(format) { throw ValidationError("--format must be text, json or png") }
    if format == "png" && !(out ?? "").hasSuffix(".png") { throw ValidationError("--format png needs --out FILE.png") }
  }

  func run() throws {
    var rng = SplitMix64(seed: seed)
    let m = routing == "dtr"
      ? RoutingMask.dtr(timesteps: timesteps, channels: channels, alpha: alpha, beta: beta)
      : RoutingMask.random(timesteps: timesteps, channels: channels, beta: beta, rng: &rng)
    if format == "png", let out {
      try ImageGrid(rows: 1, columns: 1, gutter: 0, range: .zeroToOne).write(Tensor([1, timesteps, channels], m.values), to: out)
      print("wrote \(out) (\(timesteps)×\(channels))")
      return
    }
    if format == "json" {
      var obj: [String: Any] = ["channels": channels, "timesteps": timesteps, "width": m.width, "routing": routing]
      if let s = m.starts { obj["start"] = s } else { obj["rows"] = (0..<timesteps).map { m.activeChannels(t: $0) } }
      let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
      print(String(decoding: d, as: UTF8.self))
      return
    }
    print("routing=\(routing) C=\(channels) T=\(timesteps) α=\(alpha) β=\(beta) width=\(m.width)")
    let rows = min(timesteps, 20)
    for i in 0..<rows {
      let t = timesteps == 1 ? 0 : i * (timesteps - 1) / max(1, rows - 1)
      let line = (0..<channels).map { m.isActive(t: t, c: $0) ? "█" : "·" }.joined()
      print(String(format: "t=%4d ", t) + line)
    }
  }
}
