import DTRModels
import DTRTraining
import Foundation

/// Everything the workbench knows about a run, built only from training events (and from the commands
/// it sent). Pure state: no I/O, no terminal; every panel draws from it.
public struct WorkbenchModel: Sendable {
  /// The run's configuration, from the `run_start` event's `config` object (missing keys stay nil).
  public struct Config: Sendable, Equatable {
    /// Model width C, blocks, timesteps T, batch size, epochs and steps per epoch.
    public var hidden, depth, timesteps, batch, epochs, stepsPerEpoch: Int?
    /// Routing, its α/β, learning rate, seed and preset name.
    public var routing: RoutingKind?
    public var alpha, beta, lr: Double?
    public var seed: UInt64?
    public var preset: String?
    /// The network configuration (run_start's `model` object); nil for runs that did not record it.
    public var model: ModelConfig?

    /// Reads the keys `hidden depth timesteps routing alpha beta seed lr batch preset epochs steps_per_epoch
    /// model`.
    public init(_ object: [String: JSONValue]) {
      func int(_ k: String) -> Int? { object[k]?.doubleValue.flatMap(Int.init(exactly:)) }
      hidden = int("hidden")
      depth = int("depth")
      timesteps = int("timesteps")
      batch = int("batch")
      epochs = int("epochs")
      stepsPerEpoch = int("steps_per_epoch")
      routing = object["routing"]?.stringValue.flatMap(RoutingKind.init(rawValue:))
      alpha = object["alpha"]?.doubleValue
      beta = object["beta"]?.doubleValue
      lr = object["lr"]?.doubleValue
      seed = object["seed"]?.doubleValue.flatMap(UInt64.init(exactly:))
      preset = object["preset"]?.stringValue
      if let m = object["model"], m.objectValue != nil {
        var text = ""
        EventCodec.write(m, into: &text)
        model = try? JSONDecoder().decode(ModelConfig.self, from: Data(text.utf8))
      } else if let hidden, hidden > 0, let timesteps, timesteps > 0 {
        // Runs that did not record `model`: a DiT of `depth` blocks `hidden` wide, routing seeded by `seed`.
        var m = ModelConfig()
        (m.hidden, m.depth, m.timesteps) = (hidden, max(depth ?? 1, 1), timesteps)
        (m.routing, m.alpha, m.beta, m.routingSeed) = (routing ?? .dtr, alpha ?? m.alpha, beta ?? m.beta, seed ?? 0)
        model = m
      }
    }

    /// The routed blocks of the run's network (none until the configuration is known).
    public var routedBlocks: [RoutedBlock] { model?.routedBlocks ?? [] }

    /// How many routed blocks the mask panel steps through: all of them when their tables differ (random
    /// routing, or a UNet's blocks of different widths), else one.
    public var browsableBlocks: Int {
      model?.routing == .random || model?.arch == .unet ? max(routedBlocks.count, 1) : 1
    }
  }

  /// A hyperparameter change that took effect (drawn as a marker on the charts).
  public struct Change: Sendable, Equatable {
    /// When, what, from and to which value, and who changed it (cli|workbench|schedule).
    public var step: Int
    public var name: Hyperparameter
    public var old, new: Double?
    public var source: String
  }

  /// A change waiting for the next epoch boundary.
  public struct Staged: Sendable, Equatable {
    /// The value staged.
    public var value: Double
    /// The epoch it applies at (from the trainer's `hparam_staged` event; estimated until then).
    public var epoch: Int
  }

  /// One finished evaluation.
  public struct Evaluation: Sendable, Equatable {
    /// Step, FID-2k, KID (± std) and the evaluator's name.
    public var step: Int
    public var fid: Double?
    public var kid, kidStd: Double?
    public var evaluator: String?
  }

  /// Progress of the evaluation under way.
  public struct EvalProgress: Sendable, Equatable {
    /// Work done of total, and the phase's name.
    public var done, total: Int
    public var phase: String
  }

  /// A sample grid image written by the trainer.
  public struct SampleGrid: Sendable, Equatable {
    /// Step, image path (relative to the run folder or absolute) and grid shape.
    public var step: Int
    public var path: String
    public var rows, cols: Int
  }

  /// Mean loss per timestep bucket at one step (nil: no sample fell in the bucket).
  public struct BucketRow: Sendable, Equatable {
    /// The (last) step of the row and one loss per bucket.
    public var step: Int
    public var losses: [Double?]
  }

  /// A line of the events list.
  public struct LogLine: Sendable, Equatable {
    /// How the line is coloured.
    public enum Level: Sendable { case info, good, warning, error }
    /// Step, text and level.
    public var step: Int
    public var text: String
    public var level: Level
  }

  /// The run folder (sample paths are relative to it).
  public var runDirectory: String
  /// The configuration, once `run_start` arrived.
  public var config: Config?
  /// Loss per optimizer step, as logged (parallel arrays).
  public private(set) var lossSteps: [Int] = []
  /// Loss values, parallel to ``lossSteps``.
  public private(set) var losses: [Double] = []
  /// Per-bucket losses over time; merged pairwise beyond ``bucketCapacity`` rows, so long runs stay small.
  public private(set) var bucketRows: [BucketRow] = []
  /// Applied hyperparameter changes, oldest first.
  public private(set) var changes: [Change] = []
  /// Staged changes by hyperparameter.
  public private(set) var staged: [Hyperparameter: Staged] = [:]
  /// Current hyperparameters (config values until a step or change event says otherwise).
  public private(set) var alpha, beta, lr: Double?
  /// Latest epoch, step and throughput.
  public private(set) var epoch: Int?
  /// Optimizer steps so far.
  public private(set) var step = 0
  /// Throughput of the last step.
  public private(set) var imagesPerSecond: Double?
  /// Finished evaluations, oldest first, and the one under way.
  public private(set) var evaluations: [Evaluation] = []
  /// Progress of the evaluation under way, nil when none runs.
  public private(set) var evalProgress: EvalProgress?
  /// Sample grids, oldest first.
  public private(set) var sampleGrids: [SampleGrid] = []
  /// Recent events as text, oldest first (at most ``logCapacity``).
  public private(set) var log: [LogLine] = []
  /// The latest confirmation of an applied change ("applied: beta 0.8 → 0.5").
  public private(set) var confirmation: String?
  /// Why the run ended, once it did.
  public private(set) var endReason: String?

  private var started = false, paused = false, pauseRequested = false, stopRequested = false

  /// Row limit of ``bucketRows``.
  public static let bucketCapacity = 2048
  /// Line limit of ``log``.
  public static let logCapacity = 200

  /// An empty model for the run in `runDirectory`.
  public init(runDirectory: String = ".") {
    self.runDirectory = runDirectory
  }

  /// The state word of the status bar.
  public var runState: RunState {
    if endReason != nil { return .stopped }
    if stopRequested { return .stopping }
    if evalProgress != nil { return .evaluating }
    if paused { return .paused }
    if pauseRequested { return .pausing }
    return started ? .running : .starting
  }

  /// Whether the run has ended.
  public var hasEnded: Bool { endReason != nil }

  /// The current value of a hyperparameter.
  public func value(of h: Hyperparameter) -> Double? {
    switch h {
    case .alpha: return alpha
    case .beta: return beta
    case .lr: return lr
    }
  }

  /// Steps in the whole run, when the config says.
  public var totalSteps: Int? {
    guard let e = config?.epochs, let s = config?.stepsPerEpoch else { return nil }
    return e * s
  }

  /// Seconds left at the current throughput, when known.
  public var eta: Double? {
    guard let total = totalSteps, let ips = imagesPerSecond, ips > 0, let batch = config?.batch, batch > 0 else {
      return nil
    }
    return Double(max(0, total - step)) * Double(batch) / ips
  }

  /// The evaluation with the lowest FID.
  public var bestEvaluation: Evaluation? {
    evaluations.filter { $0.fid != nil }.min { $0.fid! < $1.fid! }
  }

  /// The epoch a change staged now would apply at.
  public var nextEpoch: Int { (epoch ?? 0) + 1 }

  /// Records a command this workbench sent, so the state shows it before the trainer answers.
  public mutating func noteSent(_ command: TrainerCommand) {
    switch command {
    case .pauseAtEpochEnd, .pauseNow: pauseRequested = true
    case .resume: pauseRequested = false
    case .stage(let h, let v): staged[h] = Staged(value: v, epoch: staged[h]?.epoch ?? nextEpoch)
    case .unstage(let h): staged[h] = nil
    case .stop: stopRequested = true
    case .saveCheckpoint: break
    }
  }

  /// Folds one event into the state.
  public mutating func apply(_ e: TrainingEvent) {
    step = max(step, e.step)
    switch e.kind {
    case .runStart:
      started = true
      let c = Config(e.fields["config"]?.objectValue ?? [:])
      config = c
      alpha = c.alpha ?? alpha
      beta = c.beta ?? beta
      lr = c.lr ?? lr
      let resumed = e.fields["resumed"]?.boolValue == true
      note(e, (resumed ? "run resumed" : "run started") + (c.preset.map { " (preset \($0))" } ?? ""), .good)
    case .step:
      if let l = e.double("loss") {
        lossSteps.append(e.step)
        losses.append(l)
        if !l.isFinite { note(e, "loss is \(Format.value(l))", .error) }
      }
      if let ep = e.int("epoch") { epoch = ep }
      if let r = e.double("lr") { lr = r }
      if let ips = e.double("img_per_s") { imagesPerSecond = ips }
      if let b = e.fields["bucket_loss"]?.arrayValue { appendBuckets(BucketRow(step: e.step, losses: b.map(\.doubleValue))) }
    case .epochEnd:
      if let ep = e.int("epoch") { epoch = ep }
      var text = "epoch \(e.int("epoch").map(String.init) ?? "?") done"
      if let m = e.double("mean_loss") { text += ": mean loss \(Format.value(m))" }
      if let s = e.double("seconds") { text += " in \(Format.duration(s))" }
      note(e, text, .info)
    case .hparamChange:
      guard let h = e.string("name").flatMap(Hyperparameter.init(rawValue:)) else { return }
      let new = e.double("new"), old = e.double("old")
      switch h {
      case .alpha: alpha = new ?? alpha
      case .beta: beta = new ?? beta
      case .lr: lr = new ?? lr
      }
      let source = e.string("source") ?? "?"
      changes.append(Change(step: e.step, name: h, old: old, new: new, source: source))
      if let s = staged[h], let n = new, abs(s.value - n) <= 1e-12 * max(1, abs(n)) { staged[h] = nil }
      let text = "\(h.rawValue) \(old.map(Format.value) ?? "?") → \(new.map(Format.value) ?? "?")"
      if source == "workbench" { confirmation = "applied: " + text }
      note(e, text + " (\(source))" + (e.int("epoch").map { " at epoch \($0)" } ?? ""), .good)
    case .hparamStaged:
      guard let h = e.string("name").flatMap(Hyperparameter.init(rawValue:)), let v = e.double("new") else { return }
      let at = e.int("epoch") ?? staged[h]?.epoch ?? nextEpoch
      staged[h] = Staged(value: v, epoch: at)
      note(e, "staged \(h.rawValue) → \(Format.value(v)) for epoch \(at)", .info)
    case .checkpoint:
      note(e, "checkpoint (\(e.string("reason") ?? "?")): \(e.string("path") ?? "?")", .info)
    case .samples:
      guard let p = e.string("path") else { return }
      sampleGrids.append(SampleGrid(step: e.step, path: p, rows: e.int("rows") ?? 0, cols: e.int("cols") ?? 0))
      note(e, "samples: \(p)", .info)
    case .pause:
      paused = true
      pauseRequested = false
      note(e, "paused" + (e.string("at").map { " (at \($0) end)" } ?? ""), .warning)
    case .resume:
      paused = false
      pauseRequested = false
      note(e, "resumed", .good)
    case .alert:
      note(e, e.string("message") ?? "alert", e.string("level") == "error" ? .error : .warning)
    case .evalProgress:
      evalProgress = EvalProgress(done: e.int("done") ?? 0, total: e.int("total") ?? 0,
                                  phase: e.string("phase") ?? "")
    case .eval:
      evalProgress = nil
      let ev = Evaluation(step: e.step, fid: e.double("fid2k"), kid: e.double("kid"), kidStd: e.double("kid_std"),
                          evaluator: e.string("evaluator"))
      evaluations.append(ev)
      note(e, "FID-2k \(ev.fid.map(Format.value) ?? "?")  KID \(ev.kid.map(Format.value) ?? "?")", .info)
    case .runEnd:
      endReason = e.string("reason") ?? "finished"
      evalProgress = nil
      note(e, "run ended: \(endReason!)" + (e.int("epoch").map { " at epoch \($0)" } ?? ""),
           endReason == "error" ? .error : .info)
    }
  }

  private mutating func note(_ e: TrainingEvent, _ text: String, _ level: LogLine.Level) {
    log.append(LogLine(step: e.step, text: text, level: level))
    if log.count > Self.logCapacity { log.removeFirst(log.count - Self.logCapacity) }
  }

  /// Appends a bucket row; past capacity, merges neighbouring rows (mean of the known values) in pairs.
  private mutating func appendBuckets(_ row: BucketRow) {
    bucketRows.append(row)
    guard bucketRows.count > Self.bucketCapacity else { return }
    bucketRows = stride(from: 0, to: bucketRows.count, by: 2).map { i in
      guard i + 1 < bucketRows.count else { return bucketRows[i] }
      let a = bucketRows[i], b = bucketRows[i + 1]
      let n = max(a.losses.count, b.losses.count)
      let merged: [Double?] = (0..<n).map { k in
        let vs = [k < a.losses.count ? a.losses[k] : nil, k < b.losses.count ? b.losses[k] : nil].compactMap { $0 }
        return vs.isEmpty ? nil : vs.reduce(0, +) / Double(vs.count)
      }
      return BucketRow(step: b.step, losses: merged)
    }
  }
}

extension TrainingEvent {
  /// An integer field; nil when missing, fractional or out of range (so odd input never traps).
  func int(_ key: String) -> Int? { double(key).flatMap(Int.init(exactly:)) }
}
