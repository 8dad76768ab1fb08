import Foundation

/// One flag given on the command line, as a change to a configuration: how `dtr train` (and every cell
/// of `dtr experiment`) says what it wants without losing which flags were explicit.
public struct TrainOverride: @unchecked Sendable {
  /// How a flag may treat a run that already exists.
  public enum Kind: Sendable, Equatable {
    /// Part of the plan that may change on resume (length, cadences, keep-K, grid sampler, precision).
    case plan
    /// A steerable hyperparameter: on resume, applied and logged as a change.
    case hyperparameter(Hyperparameter)
    /// Defines the run (model, data, optimisation): on resume it must match the saved run.
    case fixed
  }

  /// The flag as typed (`--lr`).
  public let flag: String
  /// How it may treat an existing run.
  public let kind: Kind
  /// Sets the flag's value in a configuration.
  public let apply: (inout TrainConfig) -> Void
  /// The value this flag sets, as shown to users, read from a configuration.
  public let describe: (TrainConfig) -> String

  /// An override for `flag`.
  public init(_ flag: String, _ kind: Kind, apply: @escaping (inout TrainConfig) -> Void,
              describe: @escaping (TrainConfig) -> String) {
    (self.flag, self.kind, self.apply, self.describe) = (flag, kind, apply, describe)
  }
}

/// What a run directory will do: start a new run with a configuration, or resume the saved one — keeping
/// its plan except where a flag was given explicitly (docs/control.md, "Resume").
public struct RunPlan {
  /// The configuration to train with.
  public var config: TrainConfig
  /// The checkpoint to resume from (nil: a new run).
  public var resumeFrom: String?
  /// Hyperparameter changes the trainer applies and logs (source `cli`) when it starts.
  public var changes: [(Hyperparameter, Double)]

  /// The plan for `folder` from the explicit `overrides` on top of `base` (the defaults).
  /// - A new run refuses a directory that already holds one.
  /// - A resume starts from the newest checkpoint's configuration: `.plan` flags replace saved values,
  ///   `.hyperparameter` flags become logged changes, and a `.fixed` flag that differs from the saved run
  ///   is refused with one line naming it and both values.
  public static func prepare(folder: RunFolder, base: TrainConfig, overrides: [TrainOverride], resume: Bool) throws -> RunPlan {
    guard resume else {
      if folder.holdsRun {
        throw TrainingError("\(folder.path) already holds a run; pass --resume to continue it or choose another --run-dir")
      }
      var config = base
      for o in overrides { o.apply(&config) }
      if let e = config.validationError { throw TrainingError(e) }
      return RunPlan(config: config, resumeFrom: nil, changes: [])
    }
    guard FileManager.default.fileExists(atPath: folder.last) else {
      throw TrainingError("no checkpoint to resume in \(folder.path) (expected \(folder.last)); drop --resume to start a new run")
    }
    let (saved, _) = try Checkpoint.config(at: folder.last)
    var config = saved
    var changes: [(Hyperparameter, Double)] = []
    for o in overrides {
      var wanted = saved
      o.apply(&wanted)
      let (now, asked) = (o.describe(saved), o.describe(wanted))
      guard now != asked else { continue }
      switch o.kind {
      case .plan: o.apply(&config)
      case .hyperparameter(let h):
        guard let v = Double(asked) else { continue }
        if let why = h.validationError(v, for: config.model) { throw TrainingError("\(o.flag) \(asked): \(why)") }
        changes.append((h, v))
      case .fixed:
        throw TrainingError("\(o.flag) asks for \(asked), but the run in \(folder.path) was started with \(now); "
          + "drop it to resume, or start a new run with another --run-dir")
      }
    }
    if let e = config.validationError { throw TrainingError(e) }
    return RunPlan(config: config, resumeFrom: folder.last, changes: changes)
  }
}
