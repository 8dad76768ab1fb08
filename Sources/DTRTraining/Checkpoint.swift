import DTRDiffusion
import DTREngine
import DTRFormats
import DTRModels
import Foundation

/// Everything a run needs to continue bit-exactly, in one safetensors file.
///
/// Tensors: `model.<name>` and `ema.<name>` (the DiT `state_dict` names), `opt.m.<name>` / `opt.v.<name>`
/// (AdamW moments), `routing.blocks.<i>` (`[T, C]` masks as F32), `uw.*` (ANT-UW's s_k, their AdamW moments
/// and step, when the run uses it), and `state` (I64: step, epoch,
/// step-in-epoch, optimizer step, trainer RNG state, data-loader state…). Metadata: `format`
/// (`dtr-checkpoint-v1`), `config` (the TrainConfig JSON), `lr`, `alpha`, `beta`, `best_loss`, `staged`
/// (changes waiting for the next epoch boundary, `name=value` comma-separated).
public enum Checkpoint {
  /// Format tag stored in the metadata.
  public static let format = "dtr-checkpoint-v1"

  /// Counters and generator states saved with the weights.
  public struct State: Equatable, Sendable {
    /// Optimizer steps taken.
    public var step = 0
    /// Completed epochs.
    public var epoch = 0
    /// Steps taken within the current epoch.
    public var stepInEpoch = 0
    /// Trainer RNG (timesteps, noise, label dropout).
    public var rng: UInt64 = 0
    /// Data loader state words.
    public var data: [UInt64] = []
    /// Best (lowest) epoch mean loss so far.
    public var bestLoss = Double.infinity
    /// Hyperparameter changes staged for the next epoch boundary, not yet applied.
    public var staged: [Hyperparameter: Double] = [:]

    /// Empty state.
    public init() {}
  }

  /// Writes a checkpoint atomically.
  public static func save(
    to path: String, config: TrainConfig, model: any DenoisingNetwork, ema: any DenoisingNetwork, optimizer: AdamW,
    uncertainty: UncertaintyWeighting? = nil, state: State, lr: Double
  ) throws {
    var f = SafeTensorsFile(metadata: [
      "format": format, "config": config.json, "lr": "\(lr)",
      "alpha": "\(model.config.alpha)", "beta": "\(model.config.beta)", "best_loss": "\(state.bestLoss)",
      "staged": state.staged.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        .joined(separator: ","),
    ])
    for p in model.parameters.all { f.add("model.\(p.name)", p.value) }
    for p in ema.parameters.all { f.add("ema.\(p.name)", p.value) }
    for (i, name) in optimizer.parameterNames.enumerated() {
      f.add("opt.m.\(name)", optimizer.m[i])
      f.add("opt.v.\(name)", optimizer.v[i])
    }
    for (i, m) in model.masks.enumerated() {
      f.add("routing.blocks.\(i)", m.values, shape: [m.timesteps, m.channels])
    }
    if let uw = uncertainty {
      f.add("uw.log_var", uw.logVariance.value)
      f.add("uw.opt.m.log_var", uw.optimizer.m[0])
      f.add("uw.opt.v.log_var", uw.optimizer.v[0])
      f.add("uw.opt.step", [Int64(uw.optimizer.step)], shape: [1])
    }
    let words: [UInt64] = [UInt64(state.step), UInt64(state.epoch), UInt64(state.stepInEpoch),
                           UInt64(optimizer.step), state.rng] + state.data
    f.add("state", words.map { Int64(bitPattern: $0) }, shape: [words.count])
    try f.write(to: path)
  }

  /// Reads the configuration stored in a checkpoint.
  public static func config(at path: String) throws -> (TrainConfig, SafeTensorsFile) {
    let f: SafeTensorsFile
    do { f = try SafeTensorsFile.read(from: path) } catch {
      throw TrainingError("cannot read checkpoint \(path): \(error); pass a file written by dtr train")
    }
    guard f.metadata["format"] == format, let json = f.metadata["config"] else {
      throw TrainingError("\(path) is not a DTR Workbench checkpoint (no \(format) metadata)")
    }
    guard let cfg = TrainConfig.decodingWithDefaults(json) else {
      throw TrainingError("\(path) holds an unreadable configuration; was it written by a newer dtr?")
    }
    return (cfg, f)
  }

  /// Loads weights (`model.` or `ema.` prefix) and routing tables into `model`.
  public static func loadWeights(_ f: SafeTensorsFile, prefix: String, into model: any DenoisingNetwork, path: String) throws {
    do {
      for p in model.parameters.all { try f.copy("\(prefix)\(p.name)", into: p.value) }
      let masks = try model.masks.enumerated().map { i, current -> RoutingMask in
        let v = try f.values("routing.blocks.\(i)", as: Float.self)
        guard v.count == current.timesteps * current.channels else {
          throw TrainingError("routing table \(i) has \(v.count) values, expected \(current.timesteps)×\(current.channels)")
        }
        return RoutingMask(timesteps: current.timesteps, channels: current.channels, values: v)
      }
      model.setMasks(masks)
    } catch let e as TrainingError { throw e } catch {
      throw TrainingError("checkpoint \(path) is corrupt or incomplete: \(error)")
    }
  }

  /// Restores optimizer moments and the state words.
  public static func loadTrainingState(_ f: SafeTensorsFile, optimizer: AdamW, uncertainty: UncertaintyWeighting? = nil,
                                       path: String) throws -> State {
    do {
      if let uw = uncertainty {
        try f.copy("uw.log_var", into: uw.logVariance.value)
        try f.copy("uw.opt.m.log_var", into: uw.optimizer.m[0])
        try f.copy("uw.opt.v.log_var", into: uw.optimizer.v[0])
        uw.optimizer.step = Int(try f.values("uw.opt.step", as: Int64.self).first ?? 0)
      }
      for (i, name) in optimizer.parameterNames.enumerated() {
        try f.copy("opt.m.\(name)", into: optimizer.m[i])
        try f.copy("opt.v.\(name)", into: optimizer.v[i])
      }
      let w = try f.values("state", as: Int64.self).map { UInt64(bitPattern: $0) }
      guard w.count >= 5 else { throw TrainingError("state vector too short") }
      var s = State()
      (s.step, s.epoch, s.stepInEpoch) = (Int(w[0]), Int(w[1]), Int(w[2]))
      optimizer.step = Int(w[3])
      s.rng = w[4]
      s.data = Array(w.dropFirst(5))
      s.bestLoss = Double(f.metadata["best_loss"] ?? "") ?? .infinity
      for pair in (f.metadata["staged"] ?? "").split(separator: ",") {
        let kv = pair.split(separator: "=")
        if kv.count == 2, let h = Hyperparameter(rawValue: String(kv[0])), let v = Double(kv[1]) { s.staged[h] = v }
      }
      return s
    } catch let e as TrainingError { throw e } catch {
      throw TrainingError("checkpoint \(path) is corrupt or incomplete: \(error)")
    }
  }
}

extension Checkpoint {
  /// Which set of weights to load for inference.
  public enum Weights: String, Sendable, CaseIterable {
    /// The exponential moving average (what sampling normally uses).
    case ema
    /// The raw optimised weights.
    case model
  }

  /// Builds the network stored in the checkpoint at `path` with the chosen weights.
  public static func loadNetwork(at path: String, weights: Weights = .ema) throws -> (TrainConfig, any DenoisingNetwork) {
    guard FileManager.default.fileExists(atPath: path) else {
      throw TrainingError("checkpoint \(path) not found; pass --checkpoint runs/NAME/last.safetensors")
    }
    let (config, f) = try Checkpoint.config(at: path)
    let net = config.model.build(seed: config.seed)
    try loadWeights(f, prefix: weights.rawValue + ".", into: net, path: path)
    return (config, net)
  }
}
