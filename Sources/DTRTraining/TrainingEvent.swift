import Foundation

/// One record of a training run: what goes to `events.jsonl` (one JSON object per line) and what
/// observers such as the workbench receive. The schema is documented in `docs/events.md`.
///
/// Every event has `type`, `time` (seconds since the Unix epoch) and `step` (optimizer steps taken so
/// far); the remaining fields depend on the type.
public struct TrainingEvent: Sendable, Equatable {
  /// The kinds of events.
  public enum Kind: String, Sendable, CaseIterable {
    /// Run started (or resumed): `config` (the full configuration), `resumed` (bool).
    case runStart = "run_start"
    /// Per-step metrics: `epoch`, `loss`, `lr`, `grad_norm`, `img_per_s`, `bucket_loss` (array: mean loss per
    /// timestep bucket seen in this step, `null` where no sample fell in the bucket).
    case step
    /// End of an epoch: `epoch`, `mean_loss`, `seconds`.
    case epochEnd = "epoch_end"
    /// A hyperparameter changed: `name` (alpha|beta|lr), `old`, `new`, `source` (cli|workbench|schedule), `epoch`.
    case hparamChange = "hparam_change"
    /// A change was staged to apply at `epoch`: `name`, `new`.
    case hparamStaged = "hparam_staged"
    /// Checkpoint written: `path`, `reason` (periodic|manual|stop|signal|best).
    case checkpoint
    /// Sample grid written: `path`, `rows`, `cols`.
    case samples
    /// Training paused (`at`: step|epoch) or resumed.
    case pause, resume
    /// Something went wrong but training goes on: `message`, `level` (warning|error).
    case alert
    /// Evaluation progress: `done`, `total`, `phase`.
    case evalProgress = "eval_progress"
    /// Evaluation finished: `name` (`FID-2k`), `fid2k`, `kid`, `kid_std`, `evaluator`, `seconds`, `samples`, `epoch`.
    case eval
    /// Run ended: `reason` (finished|stopped|signal|error), `epoch`.
    case runEnd = "run_end"
  }

  /// The event's kind.
  public var kind: Kind
  /// Seconds since the Unix epoch.
  public var time: Double
  /// Optimizer steps taken when the event happened.
  public var step: Int
  /// Type-specific fields (JSON-compatible values: numbers, strings, bools, arrays, dictionaries, NSNull).
  public var fields: [String: JSONValue]

  /// An event of `kind` at `step`, stamped now.
  public init(_ kind: Kind, step: Int, time: Double = Date().timeIntervalSince1970, _ fields: [String: JSONValue] = [:]) {
    self.kind = kind
    self.step = step
    self.time = time
    self.fields = fields
  }

  /// Field accessor for numbers.
  public func double(_ key: String) -> Double? { fields[key]?.doubleValue }
  /// Field accessor for strings.
  public func string(_ key: String) -> String? { fields[key]?.stringValue }
}

/// A JSON value: the payload type of event fields.
public enum JSONValue: Sendable, Equatable {
  case number(Double), string(String), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

  /// The number, if this is one.
  public var doubleValue: Double? { if case .number(let d) = self { return d } else { return nil } }
  /// The string, if this is one.
  public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
  /// The bool, if this is one.
  public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
  /// The array, if this is one.
  public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
  /// The object, if this is one.
  public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
}
