import ArgumentParser
import DTREngine
import DTRFormats
import DTRModels
import Foundation

/// `dtr masks`: print the routing table of one width, or every routed block of a preset, as text, JSON or PNG.
struct Masks: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print routing mask tables: one width (--channels) or every routed block of a model (--preset).")

  @Option(help: "Channels C of one table (a DiT's hidden width).") var channels: Int?
  @Option(help: "Every routed block of this preset (\(ModelConfig.presetNames.joined(separator: ", "))).")
  var preset: String?
  @Option(help: "Shift ratio α (> 0).") var alpha = 4.0
  @Option(help: "Window width β (0 < β ≤ 1).") var beta = 0.8
  @Option(help: "Timesteps T.") var timesteps = 1000
  @Option(help: "dtr or random.") var routing = "dtr"
  @Option(help: "Routing seed of random tables (block b uses seed + b; `dtr train --seed S` uses S + 165).")
  var seed: UInt64 = 0
  @Option(help: "text, json or png.") var format = "text"
  @Option(help: "Output file for --format png (T rows × C columns, white = active; with --preset one file per width, FILE-cC.png).")
  var out: String?

  func validate() throws {
    if (channels == nil) == (preset == nil) { throw ValidationError("give exactly one of --channels C or --preset NAME") }
    if let channels, channels < 1 { throw ValidationError("--channels must be ≥ 1") }
    if let preset, ModelConfig.preset(preset) == nil {
      throw ValidationError("unknown preset '\(preset)'; use one of \(ModelConfig.presetNames.joined(separator: ", "))")
    }
    if timesteps < 1 { throw ValidationError("--timesteps must be ≥ 1") }
    if !["dtr", "random"].contains(routing) { throw ValidationError("--routing must be dtr or random") }
    if let why = try config().routingError(alpha: alpha, beta: beta) { throw ValidationError(why) }
    if !["text", "json", "png"].contains(format) { throw ValidationError("--format must be text, json or png") }
    if format == "png" && !(out ?? "").hasSuffix(".png") { throw ValidationError("--format png needs --out FILE.png") }
  }

  /// The model whose routed blocks are listed: the preset, or a one-block DiT `channels` wide.
  private func config() throws -> ModelConfig {
    var c = ModelConfig.preset(preset ?? ModelConfig.defaultPreset)!
    if let channels { (c.arch, c.hidden, c.depth) = (.dit, channels, 1) }
    c.timesteps = timesteps
    c.routing = RoutingKind(rawValue: routing) ?? .dtr
    (c.alpha, c.beta, c.routingSeed) = (alpha, beta, seed)
    return c
  }

  func run() throws {
    let c = try config()
    let blocks = c.routedBlocks, tables = c.routingTables()
    // With DTR every block of one width has the same table: show each width once.
    var shown: [Int] = []
    for (i, b) in blocks.enumerated() where routing == "random" || !shown.contains(where: { blocks[$0].channels == b.channels }) {
      shown.append(i)
    }
    switch format {
    case "png": try writePNGs(blocks: blocks, tables: tables, shown: shown)
    case "json": try printJSON(blocks: blocks, tables: tables)
    default: printText(blocks: blocks, tables: tables, shown: shown)
    }
  }

  private func writePNGs(blocks: [RoutedBlock], tables: [RoutingMask], shown: [Int]) throws {
    let base = String(out!.dropLast(4))
    for i in shown {
      let m = tables[i]
      let path = preset == nil ? out! : routing == "random" ? "\(base)-\(blocks[i].name).png" : "\(base)-c\(m.channels).png"
      try ImageGrid(rows: 1, columns: 1, gutter: 0, range: .zeroToOne)
        .write(Tensor([1, m.timesteps, m.channels], m.values), to: path)
      print("wrote \(path) (\(m.timesteps)×\(m.channels))")
    }
  }

  private func printJSON(blocks: [RoutedBlock], tables: [RoutingMask]) throws {
    func table(_ m: RoutingMask) -> [String: Any] {
      var obj: [String: Any] = ["channels": m.channels, "timesteps": m.timesteps, "width": m.width, "routing": routing]
      if let s = m.starts { obj["start"] = s } else { obj["rows"] = (0..<m.timesteps).map { m.activeChannels(t: $0) } }
      return obj
    }
    var obj = table(tables[0])
    if let preset {
      obj = ["preset": preset, "routing": routing, "alpha": alpha, "beta": beta, "timesteps": timesteps,
             "blocks": zip(blocks, tables).map { b, m in table(m).merging(["name": b.name]) { a, _ in a } }]
    }
    let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    print(String(decoding: d, as: UTF8.self))
  }

  private func printText(blocks: [RoutedBlock], tables: [RoutingMask], shown: [Int]) {
    if let preset {
      print("\(preset): \(blocks.count) routed blocks, routing=\(routing) α=\(alpha) β=\(beta) T=\(timesteps)")
      var byWidth: [(channels: Int, active: Int, names: [String])] = []
      for (b, m) in zip(blocks, tables) {
        if let k = byWidth.firstIndex(where: { $0.channels == b.channels }) { byWidth[k].names.append(b.name) } else {
          byWidth.append((b.channels, m.width, [b.name]))
        }
      }
      for (channels, active, names) in byWidth {
        print("  C=\(channels), \(active) active: \(names.joined(separator: ", "))")
      }
    }
    for i in shown {
      let m = tables[i]
      if preset != nil { print("") }
      print((preset == nil ? "" : "\(blocks[i].name) ")
        + "routing=\(routing) C=\(m.channels) T=\(timesteps) α=\(alpha) β=\(beta) width=\(m.width)")
      let rows = min(timesteps, 20)
      for r in 0..<rows {
        let t = timesteps == 1 ? 0 : r * (timesteps - 1) / max(1, rows - 1)
        print(String(format: "t=%4d ", t) + (0..<m.channels).map { m.isActive(t: t, c: $0) ? "█" : "·" }.joined())
      }
    }
  }
}
