import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRMetrics
import DTRModels
import Foundation

/// What `dtr experiment` runs: arms (the cartesian product of swept fields) × seeds, every cell an
/// ordinary run directory `experiments/NAME/<arm>-s<seed>/` trained by ``Trainer`` for the same steps and
/// evaluated at the same steps. Saved as `experiments/NAME/experiment.json`; a run of the same name must
/// have the same plan.
public struct ExperimentPlan: Codable, Sendable, Equatable {
  /// One swept field and its values, in the order given.
  public struct Axis: Codable, Sendable, Equatable {
    /// The field (`routing`, `alpha`, `beta`, `loss-weight`, `lr`, `preset`, `t-sampling`, `precision`).
    public var field: String
    /// Its values as typed.
    public var values: [String]
    /// An axis.
    public init(field: String, values: [String]) { (self.field, self.values) = (field, values) }
  }

  /// One arm at one seed.
  public struct Cell: Sendable, Equatable {
    /// Position in the plan (cells run in this order).
    public var index: Int
    /// The arm: one value per axis.
    public var arm: [String]
    /// Its seed.
    public var seed: UInt64
    /// The arm's name, e.g. `routing=dtr` or `routing=dtr,beta=0.5`.
    public var armName: String
    /// The run directory's name, `<armName>-s<seed>`.
    public var directory: String
  }

  /// The fields that may be swept.
  public static let sweepable = ["routing", "alpha", "beta", "loss-weight", "lr", "preset", "t-sampling", "precision"]

  /// The experiment's name (its folder under `experiments/`).
  public var name: String
  /// The configuration every cell starts from (all `dtr train` flags applied).
  public var base: TrainConfig
  /// The swept fields; the first value of the first axis is the baseline arm.
  public var axes: [Axis]
  /// Seeds, the same for every arm (pairs for the paired comparison).
  public var seeds: [UInt64]
  /// Optimizer steps of every cell.
  public var steps: Int
  /// Steps at which every cell measures FID/KID on ``evalSamples`` images (same noises and labels).
  public var evalAt: [Int]
  /// Images per evaluation during training.
  public var evalSamples: Int
  /// Images for the final metrics of each cell's EMA weights (FID, KID, precision/recall, IS).
  public var finalSamples: Int
  /// Sampler of the final metrics.
  public var finalSampler: String

  /// A plan; throws naming the problem when a field cannot be swept or a value is invalid.
  public init(name: String, base: TrainConfig, axes: [Axis], seeds: [UInt64], steps: Int, evalAt: [Int],
              evalSamples: Int, finalSamples: Int, finalSampler: String = SampleGenerator.defaultSampler.description) throws {
    (self.name, self.base, self.axes, self.seeds, self.steps) = (name, base, axes, seeds, steps)
    (self.evalAt, self.evalSamples, self.finalSamples, self.finalSampler) = (evalAt.sorted(), evalSamples, finalSamples, finalSampler)
    guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
      throw TrainingError("experiment name '\(name)' must be a plain folder name")
    }
    guard steps >= 1 else { throw TrainingError("--steps must be ≥ 1") }
    guard !seeds.isEmpty else { throw TrainingError("--seeds needs at least one seed") }
    guard Set(seeds).count == seeds.count else { throw TrainingError("--seeds lists a seed twice") }
    guard Sampler(parsing: finalSampler) != nil else { throw TrainingError("unknown final sampler '\(finalSampler)'; use \(Sampler.spellings)") }
    if let bad = evalAt.first(where: { $0 < 1 || $0 > steps }) {
      throw TrainingError("--eval-at \(bad) is outside 1…\(steps)")
    }
    for a in axes {
      guard Self.sweepable.contains(a.field) else {
        throw TrainingError("--arms \(a.field)=…: cannot sweep \(a.field); sweep one of \(Self.sweepable.joined(separator: ", "))")
      }
      guard !a.values.isEmpty, Set(a.values).count == a.values.count else {
        throw TrainingError("--arms \(a.field) needs distinct values, e.g. \(a.field)=V1,V2")
      }
    }
    guard Set(axes.map(\.field)).count == axes.count else { throw TrainingError("--arms names a field twice") }
    for c in cells { _ = try config(for: c) }
  }

  /// Every cell, seed by seed (so a grid cut short still holds complete pairs): within a seed, arms in axis
  /// order, the last axis varying fastest.
  public var cells: [Cell] {
    var arms: [[String]] = [[]]
    for a in axes { arms = arms.flatMap { prefix in a.values.map { prefix + [$0] } } }
    var out: [Cell] = []
    for seed in seeds {
      for arm in arms {
        let armName = arm.isEmpty ? "base" : zip(axes, arm).map { "\($0.field)=\($1)" }.joined(separator: ",")
        out.append(Cell(index: out.count, arm: arm, seed: seed, armName: armName,
                        directory: armName.replacingOccurrences(of: ":", with: "_") + "-s\(seed)"))
      }
    }
    return out
  }

  /// The name of the plan's FID at `samples` images: `FID-2k`, or `crop FID-200` for a captions run (the crop FID
  /// of that many caption canvases, ``CaptionProbe``).
  public func fidName(samples: Int) -> String { (base.task == .captions ? "crop " : "") + MetricSuite.fidName(samples: samples) }

  /// The names of the arms, baseline first.
  public var armNames: [String] { cells.filter { $0.seed == seeds[0] }.map(\.armName) }

  /// The cell's configuration: the base with its arm's values, its seed, the plan's steps and evaluation
  /// steps. Two cells' configurations differ only in the swept fields and the seed.
  public func config(for cell: Cell) throws -> TrainConfig {
    var c = base
    c.seed = cell.seed
    c.model.routingSeed = cell.seed &+ 0xA5
    c.steps = steps
    c.evalAtSteps = evalAt
    c.evalSamples = evalSamples
    c.evalEveryEpochs = 0
    for (axis, value) in zip(axes, cell.arm) { try Self.set(axis.field, value, in: &c) }
    if let e = c.validationError { throw TrainingError("arm \(cell.armName): \(e)") }
    return c
  }

  /// Sets one swept field.
  static func set(_ field: String, _ value: String, in c: inout TrainConfig) throws {
    func number() throws -> Double {
      guard let v = Double(value) else { throw TrainingError("--arms \(field)=\(value): not a number") }
      return v
    }
    switch field {
    case "routing":
      guard let r = RoutingKind(rawValue: value) else { throw TrainingError("--arms routing=\(value): use dtr, random or none") }
      c.model.routing = r
    case "alpha": c.model.alpha = try number()
    case "beta": c.model.beta = try number()
    case "lr": c.lr = try number()
    case "loss-weight": c.lossWeighting = value
    case "t-sampling":
      guard let s = TimestepSampler(rawValue: value) else { throw TrainingError("--arms t-sampling=\(value): use uniform or stratified") }
      c.tSampling = s
    case "precision":
      guard let p = Precision(rawValue: value) else { throw TrainingError("--arms precision=\(value): use fp32 or bf16") }
      c.precision = p
    case "preset":
      guard var m = ModelConfig.preset(value) else { throw TrainingError("--arms preset=\(value): unknown preset") }
      (m.routing, m.alpha, m.beta, m.routingSeed, m.numClasses) = (c.model.routing, c.model.alpha, c.model.beta, c.model.routingSeed,
                                                                  c.model.numClasses)
      c.model = m
      c.preset = value
    default: throw TrainingError("cannot sweep \(field)")
    }
  }

  /// What differs between this plan and `saved`, one phrase per difference (empty: the same plan).
  public func differences(from saved: ExperimentPlan) -> [String] {
    var out: [String] = []
    if axes != saved.axes {
      out.append("arms \(Self.describe(axes)) (saved: \(Self.describe(saved.axes)))")
    }
    if seeds != saved.seeds { out.append("seeds \(seeds.map(String.init)) (saved: \(saved.seeds.map(String.init)))") }
    if steps != saved.steps { out.append("steps \(steps) (saved: \(saved.steps))") }
    if evalAt != saved.evalAt { out.append("eval steps \(evalAt) (saved: \(saved.evalAt))") }
    if evalSamples != saved.evalSamples { out.append("eval samples \(evalSamples) (saved: \(saved.evalSamples))") }
    if finalSamples != saved.finalSamples { out.append("final samples \(finalSamples) (saved: \(saved.finalSamples))") }
    if finalSampler != saved.finalSampler { out.append("final sampler \(finalSampler) (saved: \(saved.finalSampler))") }
    if base != saved.base {
      let a = Self.flatten(base), b = Self.flatten(saved.base)
      for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
        out.append("\(key) \(a[key] ?? "-") (saved: \(b[key] ?? "-"))")
      }
    }
    return out
  }

  private static func describe(_ axes: [Axis]) -> String {
    axes.map { "\($0.field)=\($0.values.joined(separator: ","))" }.joined(separator: " ")
  }

  /// A configuration as `key → JSON text`, nested keys joined by dots.
  static func flatten(_ c: TrainConfig) -> [String: String] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(c.json.utf8)) as? [String: Any] else { return [:] }
    var out: [String: String] = [:]
    func walk(_ prefix: String, _ value: Any) {
      if let o = value as? [String: Any] {
        for (k, v) in o { walk(prefix.isEmpty ? k : prefix + "." + k, v) }
      } else {
        out[prefix] = "\(value)"
      }
    }
    walk("", object)
    return out
  }
}
