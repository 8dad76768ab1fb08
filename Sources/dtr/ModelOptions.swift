import ArgumentParser
import DTREngine
import DTRModels

/// Flags that choose and shape the network; shared by `train` and `bench`.
struct ModelOptions: ParsableArguments {
  @Option(help: "Model preset: \(ModelConfig.presetNames.joined(separator: ", ")) (default \(ModelConfig.defaultPreset)).")
  var preset: String?
  @Option(help: "Override the hidden width D.") var hidden: Int?
  @Option(help: "Override the number of blocks.") var depth: Int?
  @Option(help: "Override the attention heads.") var heads: Int?
  @Option(help: "Override the patch size (must divide 28).") var patch: Int?
  @Option(help: "UNet: override the base channels (ADM model_channels).") var baseChannels: Int?
  @Option(help: "UNet: override the width multipliers per level, e.g. 1,2,2.") var channelMult: String?
  @Option(help: "UNet: override the residual blocks per level.") var blocksPerLevel: Int?
  @Flag(name: .customLong("attention-14"), help: "UNet: self-attention at 14×14 too (7×7 and the middle always).")
  var attentionAt14 = false
  @Option(help: "Channel routing: dtr, random or none (default dtr).") var routing: String?
  @Option(help: "DTR shift ratio α (> 0; default 4).") var alpha: Double?
  @Option(help: "DTR window width β (0 < β ≤ 1; 1 = no routing; default 0.8).") var beta: Double?
  @Flag(help: "Train an unconditional model (default: 10 Fashion-MNIST classes).") var uncond = false
  @Option(help: PrecisionFlag.help) var precision: Precision?

  /// The preset named, or ``ModelConfig/defaultPreset``.
  var presetName: String { preset ?? ModelConfig.defaultPreset }

  /// The shape flags given explicitly (everything but α, β and the precision), as typed.
  var explicitShapeFlags: [String] {
    [("--preset", preset != nil), ("--hidden", hidden != nil), ("--depth", depth != nil), ("--heads", heads != nil),
     ("--patch", patch != nil), ("--base-channels", baseChannels != nil), ("--channel-mult", channelMult != nil),
     ("--blocks-per-level", blocksPerLevel != nil), ("--attention-14", attentionAt14), ("--routing", routing != nil),
     ("--uncond", uncond)].filter(\.1).map(\.0)
  }

  /// The configuration these flags describe, or an error naming the bad flag.
  func config(seed: UInt64) throws -> ModelConfig {
    guard var c = ModelConfig.preset(presetName) else {
      throw CLIError("unknown preset '\(presetName)'; use one of \(ModelConfig.presetNames.joined(separator: ", "))")
    }
    guard let r = RoutingKind(rawValue: routing ?? "dtr") else {
      throw CLIError("unknown routing '\(routing ?? "")'; use dtr, random or none")
    }
    if let hidden { c.hidden = hidden }
    if let depth { c.depth = depth }
    if let heads { c.heads = heads }
    if let patch { c.patch = patch }
    if let baseChannels { c.baseChannels = baseChannels }
    if let channelMult {
      let levels = channelMult.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard !levels.isEmpty, levels.allSatisfy({ $0 != nil }) else {
        throw CLIError("--channel-mult '\(channelMult)' is not a comma-separated list of integers; use e.g. 1,2,2")
      }
      c.channelMult = levels.map { $0! }
    }
    if let blocksPerLevel { c.blocksPerLevel = blocksPerLevel }
    if attentionAt14 { c.attentionAt14 = true }
    c.routing = r
    c.alpha = alpha ?? 4
    c.beta = beta ?? 0.8
    c.routingSeed = seed &+ 0xA5
    if uncond { c.numClasses = 0 }
    if let e = c.validationError { throw CLIError(e) }
    return c
  }
}
