import ArgumentParser
import DTRModels

/// Flags that choose and shape the network; shared by `train` and `bench`.
struct ModelOptions: ParsableArguments {
  @Option(help: "Model preset: \(ModelConfig.presetNames.joined(separator: ", ")).")
  var preset = "small"
  @Option(help: "Override the hidden width D.") var hidden: Int?
  @Option(help: "Override the number of blocks.") var depth: Int?
  @Option(help: "Override the attention heads.") var heads: Int?
  @Option(help: "Override the patch size (must divide 28).") var patch: Int?
  @Option(help: "UNet: override the base channels (ADM model_channels).") var baseChannels: Int?
  @Option(help: "UNet: override the width multipliers per level, e.g. 1,2,2.") var channelMult: String?
  @Option(help: "UNet: override the residual blocks per level.") var blocksPerLevel: Int?
  @Flag(name: .customLong("attention-14"), help: "UNet: self-attention at 14×14 too (7×7 and the middle always).")
  var attentionAt14 = false
  @Option(help: "Channel routing: dtr, random or none.") var routing = "dtr"
  @Option(help: "DTR shift ratio α (> 0).") var alpha = 4.0
  @Option(help: "DTR window width β (0 < β ≤ 1; 1 = no routing).") var beta = 0.8
  @Flag(help: "Train an unconditional model (default: 10 Fashion-MNIST classes).") var uncond = false

  /// The configuration these flags describe, or a ValidationError naming the bad flag.
  func config(seed: UInt64) throws -> ModelConfig {
    guard var c = ModelConfig.preset(preset) else {
      throw CLIError("unknown preset '\(preset)'; use one of \(ModelConfig.presetNames.joined(separator: ", "))")
    }
    guard let r = RoutingKind(rawValue: routing) else {
      throw CLIError("unknown routing '\(routing)'; use dtr, random or none")
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
    c.alpha = alpha
    c.beta = beta
    c.routingSeed = seed &+ 0xA5
    if uncond { c.numClasses = 0 }
    if let e = c.validationError { throw CLIError(e) }
    return c
  }
}
