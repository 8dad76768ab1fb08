import DTRModels
import Foundation

/// One record of a training run: a line of `events.jsonl` and what readers such as the workbench, the
/// headless progress line and `dtr watch` receive. One Swift type per kind (the cases of ``Payload``),
/// encoded and decoded only by ``EventCodec``; the schema is documented in `docs/events.md`.
///
/// Every line has `type`, `time` (seconds since the Unix epoch) and `step` (optimizer steps taken so far);
/// the remaining keys are the payload's. Epoch numbers are 1-based everywhere.
public struct TrainingEvent: Sendable, Equatable {
  /// Seconds since the Unix epoch.
  public var time: Double
  /// Optimizer steps taken when the event happened.
  public var step: Int
  /// What happened.
  public var payload: Payload

  /// An event at `step`, stamped now unless `time` is given.
  public init(_ payload: Payload, step: Int, time: Double = Date().timeIntervalSince1970) {
    self.payload = payload
    self.step = step
    self.time = time
  }

  /// The kinds of events, by their `type` word.
  public enum Kind: String, Sendable, CaseIterable {
    case runStart = "run_start", step, epochEnd = "epoch_end", hparamChange = "hparam_change"
    case hparamStaged = "hparam_staged", hparamUnstaged = "hparam_unstaged", command, checkpoint, samples
    case pause, resume, alert, evalProgress = "eval_progress", eval, runEnd = "run_end", affinity
  }

  /// The event's payload, one type per kind.
  public enum Payload: Sendable, Equatable {
    case runStart(RunStart), step(StepMetrics), epochEnd(EpochEnd), hparamChange(HparamChange)
    case hparamStaged(HparamStaged), hparamUnstaged(HparamUnstaged), command(CommandAnswer)
    case checkpoint(CheckpointWritten), samples(SamplesWritten), pause(Paused), resume(Resumed), alert(Alert)
    case evalProgress(EvalProgress), eval(Evaluation), runEnd(RunEnd), affinity(TaskAffinity.Result)
  }

  /// The kind of ``payload``.
  public var kind: Kind {
    switch payload {
    case .runStart: return .runStart
    case .step: return .step
    case .epochEnd: return .epochEnd
    case .hparamChange: return .hparamChange
    case .hparamStaged: return .hparamStaged
    case .hparamUnstaged: return .hparamUnstaged
    case .command: return .command
    case .checkpoint: return .checkpoint
    case .samples: return .samples
    case .pause: return .pause
    case .resume: return .resume
    case .alert: return .alert
    case .evalProgress: return .evalProgress
    case .eval: return .eval
    case .runEnd: return .runEnd
    case .affinity: return .affinity
    }
  }
}

/// The version of the event schema, written in `run_start`. Readers skip kinds and keys they do not know.
public let eventSchemaVersion = 2

/// `run_start`: a run started, or resumed from a checkpoint at `step` (readers then drop what they hold
/// past `step`: those records were written after that checkpoint by the run that was interrupted).
public struct RunStart: Codable, Sendable, Equatable {
  /// ``eventSchemaVersion`` of the writer.
  public var schema: Int
  /// The whole configuration (as `config.json`); keys a reader lacks take its defaults.
  public var config: TrainConfig
  /// Whether this continues an earlier run from its checkpoint.
  public var resumed: Bool
  /// Completed epochs at the start.
  public var epoch: Int
  /// Steps of the whole run and per epoch.
  public var totalSteps, stepsPerEpoch: Int
  /// Trainable parameters.
  public var params: Int
  /// The run directory.
  public var runDir: String
  /// Which engine writes the run (`dtr`, `dtr_torch`).
  public var engine: String?

  /// The payload's fields.
  public init(config: TrainConfig, resumed: Bool, epoch: Int, totalSteps: Int, stepsPerEpoch: Int, params: Int,
              runDir: String, engine: String? = "dtr", schema: Int = eventSchemaVersion) {
    (self.config, self.resumed, self.epoch, self.totalSteps) = (config, resumed, epoch, totalSteps)
    (self.stepsPerEpoch, self.params, self.runDir, self.engine, self.schema) = (stepsPerEpoch, params, runDir, engine, schema)
  }

  enum CodingKeys: String, CodingKey {
    case schema, config, resumed, epoch, totalSteps = "total_steps", stepsPerEpoch = "steps_per_epoch", params
    case runDir = "run_dir", engine
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    schema = try c.decodeIfPresent(Int.self, forKey: .schema) ?? 1
    config = try c.decode(TrainConfig.self, forKey: .config)
    resumed = try c.decodeIfPresent(Bool.self, forKey: .resumed) ?? false
    epoch = try c.decodeIfPresent(Int.self, forKey: .epoch) ?? 0
    totalSteps = try c.decodeIfPresent(Int.self, forKey: .totalSteps) ?? 0
    stepsPerEpoch = try c.decodeIfPresent(Int.self, forKey: .stepsPerEpoch) ?? 0
    params = try c.decodeIfPresent(Int.self, forKey: .params) ?? 0
    runDir = try c.decodeIfPresent(String.self, forKey: .runDir) ?? ""
    engine = try c.decodeIfPresent(String.self, forKey: .engine)
  }
}

/// `step`: metrics of one optimizer step.
public struct StepMetrics: Codable, Sendable, Equatable {
  /// The epoch being trained (1-based).
  public var epoch: Int
  /// Weighted mean loss of the batch (absent when not finite).
  public var loss: Double?
  /// Learning rate used, gradient norm before clipping, throughput.
  public var lr: Double?, gradNorm: Double?, imgPerS: Double?
  /// Mean unweighted loss per timestep bucket in this batch; `null` where no sample fell.
  public var bucketLoss: [Double?]
  /// The batch's unweighted mean ε-MSE (comparable across loss weightings).
  public var mse: Double?
  /// ANT-UW's log-variances s_k, when the run uses it.
  public var uwLogVar: [Double]?

  /// The payload's fields.
  public init(epoch: Int, loss: Double?, lr: Double?, gradNorm: Double?, imgPerS: Double?, bucketLoss: [Double?] = [],
              mse: Double? = nil, uwLogVar: [Double]? = nil) {
    (self.epoch, self.loss, self.lr, self.gradNorm, self.imgPerS, self.bucketLoss) = (epoch, loss, lr, gradNorm, imgPerS, bucketLoss)
    (self.mse, self.uwLogVar) = (mse, uwLogVar)
  }

  enum CodingKeys: String, CodingKey {
    case epoch, loss, lr, gradNorm = "grad_norm", imgPerS = "img_per_s", bucketLoss = "bucket_loss", mse
    case uwLogVar = "uw_log_var"
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    epoch = try c.decodeIfPresent(Int.self, forKey: .epoch) ?? 1
    loss = try c.decodeIfPresent(Double.self, forKey: .loss)
    lr = try c.decodeIfPresent(Double.self, forKey: .lr)
    gradNorm = try c.decodeIfPresent(Double.self, forKey: .gradNorm)
    imgPerS = try c.decodeIfPresent(Double.self, forKey: .imgPerS)
    bucketLoss = try c.decodeIfPresent([Double?].self, forKey: .bucketLoss) ?? []
    mse = try c.decodeIfPresent(Double.self, forKey: .mse)
    uwLogVar = try c.decodeIfPresent([Double].self, forKey: .uwLogVar)
  }
}

/// `epoch_end`: an epoch finished.
public struct EpochEnd: Codable, Sendable, Equatable {
  /// The epoch that ended (1-based), its mean loss and duration.
  public var epoch: Int
  public var meanLoss: Double?, seconds: Double?
  /// The payload's fields.
  public init(epoch: Int, meanLoss: Double?, seconds: Double?) { (self.epoch, self.meanLoss, self.seconds) = (epoch, meanLoss, seconds) }
  enum CodingKeys: String, CodingKey { case epoch, meanLoss = "mean_loss", seconds }
}

/// `hparam_change`: a hyperparameter took a new value.
public struct HparamChange: Codable, Sendable, Equatable {
  /// Which, from and to what, who changed it (`workbench`, `cli`, `control`), and the first epoch (1-based)
  /// that trains with the new value.
  public var name: Hyperparameter
  public var old: Double?, new: Double
  public var source: String
  public var epoch: Int
  /// The id of the command that asked for it, if one did.
  public var id: String?
  /// The payload's fields.
  public init(name: Hyperparameter, old: Double?, new: Double, source: String, epoch: Int, id: String? = nil) {
    (self.name, self.old, self.new, self.source, self.epoch, self.id) = (name, old, new, source, epoch, id)
  }
}

/// `hparam_staged`: a change waits for the end of the current epoch.
public struct HparamStaged: Codable, Sendable, Equatable {
  /// Which, to what, and the first epoch (1-based) that will train with it.
  public var name: Hyperparameter
  public var new: Double
  public var epoch: Int
  /// The payload's fields.
  public init(name: Hyperparameter, new: Double, epoch: Int) { (self.name, self.new, self.epoch) = (name, new, epoch) }
}

/// `hparam_unstaged`: a staged change was withdrawn (`reason` `user`) or refused when due (`reason` says why).
public struct HparamUnstaged: Codable, Sendable, Equatable {
  /// Which change, and why it is gone.
  public var name: Hyperparameter
  public var reason: String
  /// The payload's fields.
  public init(name: Hyperparameter, reason: String) { (self.name, self.reason) = (name, reason) }
}

/// `command`: the trainer's answer to one control command.
public struct CommandAnswer: Codable, Sendable, Equatable {
  /// What happened to a command.
  public enum Status: String, Codable, Sendable {
    /// Done (or, for a pause at epoch end, queued for that boundary).
    case applied
    /// A hyperparameter change waiting for the epoch boundary.
    case staged
    /// Not done; `reason` says why.
    case rejected
  }
  /// The command's id, its `cmd` word, the outcome and, when rejected, why.
  public var id: String
  public var cmd: String
  public var status: Status
  public var reason: String?
  /// The payload's fields.
  public init(id: String, cmd: String, status: Status, reason: String? = nil) {
    (self.id, self.cmd, self.status, self.reason) = (id, cmd, status, reason)
  }
}

/// `checkpoint`: a checkpoint was written.
public struct CheckpointWritten: Codable, Sendable, Equatable {
  /// Its path and why (`periodic`, `timed`, `manual`, `stop`, `final`).
  public var path: String
  public var reason: String
  /// The payload's fields.
  public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }
}

/// `samples`: a sample grid PNG was written.
public struct SamplesWritten: Codable, Sendable, Equatable {
  /// Its path and grid shape.
  public var path: String
  public var rows, cols: Int
  /// For a captioned model, the prompt of each row (drawn above it in the PNG); absent otherwise.
  public var prompts: [String]?
  /// The payload's fields.
  public init(path: String, rows: Int, cols: Int, prompts: [String]? = nil) {
    (self.path, self.rows, self.cols, self.prompts) = (path, rows, cols, prompts)
  }
}

/// `pause`: training paused at a step or an epoch boundary (`at`: `step` | `epoch`).
public struct Paused: Codable, Sendable, Equatable {
  /// Where it paused.
  public var at: String
  /// The payload's fields.
  public init(at: String) { self.at = at }
}

/// `resume`: a paused run goes on.
public struct Resumed: Codable, Sendable, Equatable {
  /// No fields.
  public init() {}
}

/// `alert`: something went wrong but training goes on.
public struct Alert: Codable, Sendable, Equatable {
  /// `warning` or `error`, and the message.
  public var level: String
  public var message: String
  /// The payload's fields.
  public init(level: String, message: String) { (self.level, self.message) = (level, message) }
}

/// `eval_progress`: an evaluation is under way.
public struct EvalProgress: Codable, Sendable, Equatable {
  /// Work done of total, and the phase (`sampling`, `features`).
  public var done, total: Int
  public var phase: String
  /// The payload's fields.
  public init(done: Int, total: Int, phase: String) { (self.done, self.total, self.phase) = (done, total, phase) }
}

/// `eval`: an evaluation finished.
public struct Evaluation: Codable, Sendable, Equatable {
  /// `FID-2k`, its FID and KID (± std), the evaluator's name, seconds taken, samples, and the epoch (1-based).
  /// A captions run's evaluation (``DTREvaluation/CaptionProbe``) is named `crop FID-200`: `fid2k` is the
  /// crop FID of all its canvases, KID is nil, and the caption and class accuracies are set.
  public var name: String
  public var fid2k: Double?, kid: Double?, kidStd: Double?
  public var evaluator: String?
  public var seconds: Double?
  public var samples: Int?
  public var epoch: Int?
  /// Caption accuracy and class accuracy over all canvases (captions runs only).
  public var captionAccuracy: Double?, classAccuracy: Double?
  /// The number format the samples were drawn in (`fp32`, `bf16`; absent in older events).
  public var precision: String?
  /// The payload's fields.
  public init(name: String, fid2k: Double?, kid: Double?, kidStd: Double?, evaluator: String?, seconds: Double?,
              samples: Int?, epoch: Int?, captionAccuracy: Double? = nil, classAccuracy: Double? = nil,
              precision: String? = nil) {
    (self.name, self.fid2k, self.kid, self.kidStd, self.evaluator) = (name, fid2k, kid, kidStd, evaluator)
    (self.seconds, self.samples, self.epoch) = (seconds, samples, epoch)
    (self.captionAccuracy, self.classAccuracy, self.precision) = (captionAccuracy, classAccuracy, precision)
  }
  enum CodingKeys: String, CodingKey {
    case name, fid2k, kid, kidStd = "kid_std", evaluator, seconds, samples, epoch
    case captionAccuracy = "caption_accuracy", classAccuracy = "class_accuracy", precision
  }
}

/// `run_end`: the trainer left the run (`finished`, `stopped`, `error`).
public struct RunEnd: Codable, Sendable, Equatable {
  /// Why, and the epochs completed.
  public var reason: String
  public var epoch: Int
  /// The payload's fields.
  public init(reason: String, epoch: Int) { (self.reason, self.epoch) = (reason, epoch) }
}

extension Double {
  /// The value when finite, else nil (event payloads carry no NaN or infinity: JSON has none).
  var finite: Double? { isFinite ? self : nil }
}
