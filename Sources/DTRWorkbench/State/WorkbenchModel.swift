import DTREngine
import DTRModels
import DTRTraining
import Foundation

/// Everything the workbench knows about a run, built only from training events (and from the commands
/// it sent). Pure state: no I/O, no terminal; every panel draws from it.
public struct WorkbenchModel: Sendable {
  /// The run's configuration and plan, from its `run_start` event.
  public struct Config: Sendable, Equatable {
    /// Model width C, blocks, timesteps T, batch size, epochs and steps per epoch.
    public var hidden, depth, timesteps, batch, epochs, stepsPerEpoch: Int?
    /// Steps of the whole run.
    public var totalSteps: Int?
    /// Routing, its α/β, learning rate, seed and preset name.
    public var routing: RoutingKind?
    public var alpha, beta, lr: Double?
    public var seed: UInt64?
    public var preset: String?
    /// The convolutions' number format.
    public var precision: Precision?
    /// The network configuration.
    public var model: ModelConfig?

    /// The configuration a `run_start` event announces.
    public init(_ start: RunStart) {
      let c = start.config, m = c.model
      (hidden, depth, timesteps, batch) = (m.hidden, m.depth, m.timesteps, c.batch)
      stepsPerEpoch = start.stepsPerEpoch > 0 ? start.stepsPerEpoch : nil
      totalSteps = start.totalSteps > 0 ? start.totalSteps : nil
      epochs = stepsPerEpoch.map { spe in c.steps > 0 ? (c.steps + spe - 1) / spe : c.epochs }
      (routing, alpha, beta, lr, seed, preset, model) = (m.routing, m.alpha, m.beta, c.lr, c.seed, c.preset, m)
      precision = c.precision
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
    /// The first epoch (1-based) that trains with it (from the trainer's `hparam_staged` event;
    /// estimated until then).
    public var epoch: Int
  }

  /// Adjacent- versus distant-bucket means of one task-affinity measurement.
  public struct AffinityPoint: Sendable, Equatable {
    /// The step, and the means of cosine and lookahead affinity at bucket distance 1 and ≥ K/2.
    public var step: Int
    public var adjacentCosine, distantCosine, adjacentLookahead, distantLookahead: Double
  }

  /// One finished evaluation.
  public struct Evaluation: Sendable, Equatable {
    /// Step, FID-2k, KID (± std), the evaluator's name and the number format the samples were drawn in.
    public var step: Int
    public var fid: Double?
    public var kid, kidStd: Double?
    public var evaluator: String?
    public var precision: String? = nil
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
    /// A captioned run's prompt of each row, nil for class grids.
    public var prompts: [String]?
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
  /// Loss per optimizer step, exact for the latest steps and merged further back (bounded).
  public private(set) var lossHistory = LossHistory()
  /// Per-bucket losses over time; merged pairwise beyond ``bucketCapacity`` rows, so long runs stay small.
  public private(set) var bucketRows: [BucketRow] = []
  /// Applied hyperparameter changes, oldest first.
  public private(set) var changes: [Change] = []
  /// Staged changes by hyperparameter.
  public private(set) var staged: [Hyperparameter: Staged] = [:]
  /// Current hyperparameters (config values until a step or change event says otherwise).
  public private(set) var alpha, beta, lr: Double?
  /// The epoch being trained (1-based; the last one once the run ended).
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
  /// ANT-UW's latest learned log-variances s_k (interval k's loss weight is ½e^{−s_k}), for runs that use it.
  public private(set) var uwLogVariance: [Double]?
  /// The latest task-affinity measurement (`affinity` event).
  public private(set) var affinity: TaskAffinity.Result?
  /// Mean affinity of adjacent and of distant buckets at each measurement, oldest first.
  public private(set) var affinityTrend: [AffinityPoint] = []
  /// The latest refusal of a command this workbench sent.
  public private(set) var rejection: String?
  /// Commands sent and not yet answered, by id.
  private var sent: [String: TrainerCommand] = [:]

  private var started = false, paused = false, pauseRequested = false, stopRequested = false
  /// While a long log opens newest first: the state built from the whole log in order so far.
  private var backfill: Backfill?

  /// The state of a long log's records read in order, boxed (a model cannot hold a model directly).
  private indirect enum Backfill: Sendable {
    case reading(WorkbenchModel, fraction: Double)
  }

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
    if let reason = endReason { return reason == "finished" ? .finished : .stopped }
    if stopRequested { return .stopping }
    if evalProgress != nil { return .evaluating }
    if paused { return .paused }
    if pauseRequested { return .pausing }
    return started ? .running : .starting
  }

  /// Whether the run has ended.
  public var hasEnded: Bool { endReason != nil }

  /// While a long log opens newest first (``applyHistory(_:)``), how much of it has been read (0…1);
  /// until then the state shows only the newest records.
  public var historyProgress: Double? {
    guard case .reading(_, let fraction) = backfill else { return nil }
    return fraction
  }

  /// The current value of a hyperparameter.
  public func value(of h: Hyperparameter) -> Double? {
    switch h {
    case .alpha: return alpha
    case .beta: return beta
    case .lr: return lr
    }
  }

  /// Steps in the whole run, when the config says.
  public var totalSteps: Int? { config?.totalSteps }

  /// Seconds left at the current throughput, while training.
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

  /// The first epoch (1-based) that would train with a change staged now.
  public var nextEpoch: Int { (epoch ?? 1) + 1 }

  /// Remembers the id of a command sent, so a rejection (a `command` event naming it) undoes what
  /// ``noteSent(_:)`` assumed.
  public mutating func awaitAnswer(_ id: String, to command: TrainerCommand) { sent[id] = command }

  /// Records a command this workbench is sending, so the state shows it before the trainer answers.
  public mutating func noteSent(_ command: TrainerCommand) {
    switch command {
    case .pauseAtEpochEnd, .pauseNow: pauseRequested = true
    case .resume: pauseRequested = false
    case .stage(let h, let v): if !paused { staged[h] = Staged(value: v, epoch: nextEpoch) }  // paused: applied at once
    case .unstage(let h): staged[h] = nil
    case .stop: stopRequested = true
    case .saveCheckpoint: break
    }
  }

  /// Folds a chunk of the whole log, read in order behind the newest records (``EventHistory``), into a
  /// second state; the last chunk replaces this state with it — the state of the whole log read in order,
  /// resume marks included — keeping what this view itself sent and is waiting for.
  public mutating func applyHistory(_ chunk: EventHistory) {
    var whole = WorkbenchModel(runDirectory: runDirectory)
    if !chunk.isFirst, case .reading(let m, _) = backfill { whole = m }
    backfill = nil  // `whole` holds the only reference: no copy on write
    for e in chunk.events { whole.apply(e) }
    guard chunk.isComplete else {
      backfill = .reading(whole, fraction: chunk.fraction)
      return
    }
    (whole.sent, whole.pauseRequested, whole.stopRequested) = (sent, pauseRequested, stopRequested)
    whole.staged.merge(staged) { _, shown in shown }
    self = whole
  }

  /// Folds one event into the state.
  public mutating func apply(_ e: TrainingEvent) {
    step = max(step, e.step)
    switch e.payload {
    case .runStart(let start):
      if start.resumed { dropRecords(after: e.step) }
      step = e.step
      started = true
      paused = false
      endReason = nil
      let c = Config(start)
      config = c
      (alpha, beta, lr) = (c.alpha, c.beta, c.lr)
      if start.epoch > 0 || epoch == nil { epoch = start.epoch + 1 }
      imagesPerSecond = nil
      note(e, (start.resumed ? "run resumed at step \(Format.count(e.step))" : "run started")
        + (c.preset.map { " (preset \($0)\(c.precision == .bf16 ? ", bf16" : ""))" } ?? ""), .good)
    case .step(let m):
      if let l = m.loss {
        lossHistory.append(step: e.step, loss: l)
      } else {
        note(e, "loss is not finite", .error)
      }
      epoch = m.epoch
      if let r = m.lr { lr = r }
      if let ips = m.imgPerS { imagesPerSecond = ips }
      if !m.bucketLoss.isEmpty { appendBuckets(BucketRow(step: e.step, losses: m.bucketLoss)) }
      if let s = m.uwLogVar { uwLogVariance = s }
    case .epochEnd(let end):
      epoch = min(end.epoch + 1, config?.epochs ?? .max)  // the last epoch's end is not the start of another
      var text = "epoch \(end.epoch) done"
      if let m = end.meanLoss { text += ": mean loss \(Format.value(m))" }
      if let s = end.seconds { text += " in \(Format.duration(s))" }
      note(e, text, .info)
    case .hparamChange(let c):
      switch c.name {
      case .alpha: alpha = c.new
      case .beta: beta = c.new
      case .lr: lr = c.new
      }
      changes.append(Change(step: e.step, name: c.name, old: c.old, new: c.new, source: c.source))
      if let s = staged[c.name], abs(s.value - c.new) <= 1e-12 * max(1, abs(c.new)) { staged[c.name] = nil }
      let text = "\(c.name.rawValue) \(c.old.map(Format.value) ?? "?") → \(Format.value(c.new))"
      if c.source != "cli" { confirmation = "applied: " + text }
      let atBoundary = config?.stepsPerEpoch.map { e.step % $0 == 0 } ?? true
      note(e, text + " (\(c.source)) " + (atBoundary ? "from epoch \(c.epoch)" : "at once, in epoch \(c.epoch)"), .good)
    case .hparamStaged(let s):
      staged[s.name] = Staged(value: s.new, epoch: s.epoch)
      note(e, "staged \(s.name.rawValue) → \(Format.value(s.new)) for epoch \(s.epoch)", .info)
    case .hparamUnstaged(let u):
      staged[u.name] = nil
      note(e, "\(u.name.rawValue) unstaged" + (u.reason == "user" ? "" : ": \(u.reason)"), u.reason == "user" ? .info : .warning)
    case .command(let answer):
      let command = sent.removeValue(forKey: answer.id)
      guard answer.status == .rejected else { return }
      if case .stage(let h, _) = command { staged[h] = nil }
      if case .pauseAtEpochEnd = command { pauseRequested = false }
      if case .pauseNow = command { pauseRequested = false }
      if case .stop = command { stopRequested = false }
      rejection = "\(answer.cmd) rejected: \(answer.reason ?? "no reason given")"
      note(e, rejection!, .warning)
    case .checkpoint(let c):
      note(e, "checkpoint (\(c.reason)): \(c.path)", .info)
    case .samples(let grid):
      sampleGrids.append(SampleGrid(step: e.step, path: grid.path, rows: grid.rows, cols: grid.cols, prompts: grid.prompts))
      note(e, "samples: \(grid.path)", .info)
    case .pause(let p):
      paused = true
      pauseRequested = false
      imagesPerSecond = nil
      note(e, "paused" + (p.at == "epoch" ? " at the end of epoch \((epoch ?? 2) - 1)" : " at step \(Format.count(e.step))"), .warning)
    case .resume:
      paused = false
      pauseRequested = false
      note(e, "resumed", .good)
    case .alert(let a):
      note(e, a.message, a.level == "error" ? .error : .warning)
    case .evalProgress(let p):
      evalProgress = EvalProgress(done: p.done, total: p.total, phase: p.phase)
    case .eval(let r):
      evalProgress = nil
      let ev = Evaluation(step: e.step, fid: r.fid2k, kid: r.kid, kidStd: r.kidStd, evaluator: r.evaluator,
                          precision: r.precision)
      evaluations.append(ev)
      let second = r.captionAccuracy.map { "caption accuracy \(Format.value($0))" } ?? "KID \(ev.kid.map(Format.value) ?? "?")"
      note(e, "\(r.name.isEmpty ? "FID-2k" : r.name) \(ev.fid.map(Format.value) ?? "?")  \(second)", .info)
    case .affinity(let a):
      affinity = a
      let cos = a.meanByDistance(a.cosine), look = a.meanByDistance(a.lookahead)
      affinityTrend.append(AffinityPoint(step: e.step, adjacentCosine: cos.adjacent, distantCosine: cos.distant,
                                         adjacentLookahead: look.adjacent, distantLookahead: look.distant))
      note(e, String(format: "task affinity: %.0f%% of bucket pairs conflict", 100 * a.conflictRate), .info)
    case .runEnd(let end):
      endReason = end.reason
      epoch = max(end.epoch, 1)
      evalProgress = nil
      imagesPerSecond = nil
      stopRequested = false
      staged.removeAll()  // a resumed run announces what it still holds staged
      note(e, "run ended: \(end.reason) after epoch \(end.epoch)", end.reason == "error" ? .error : .info)
    }
  }

  /// A resumed run continues from a checkpoint at `step`: what was logged after it belongs to the
  /// interrupted trajectory and is dropped, so charts never show a doubled segment.
  private mutating func dropRecords(after step: Int) {
    lossHistory.drop(after: step)
    bucketRows.removeAll { $0.step > step }
    evaluations.removeAll { $0.step > step }
    sampleGrids.removeAll { $0.step > step }
    changes.removeAll { $0.step > step }
    affinityTrend.removeAll { $0.step > step }
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
        let x = k < a.losses.count ? a.losses[k] : nil, y = k < b.losses.count ? b.losses[k] : nil
        guard let x, let y else { return x ?? y }
        return (x + y) / 2
      }
      return BucketRow(step: b.step, losses: merged)
    }
  }
}
