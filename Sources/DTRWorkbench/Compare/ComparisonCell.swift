import DTRTraining

/// One run directory of a comparison (an experiment's cell, or a run named on the command line), as its
/// events tell it: the loss curve (bounded), the FID evaluations, how far it got and how it ended.
public struct ComparisonCell: Sendable {
  /// The directory's name (`routing=dtr-s1`, or the run's folder) and its path.
  public let name: String, directory: String
  /// The arm it belongs to (an index into ``ComparisonModel/arms``).
  public let arm: Int
  /// The seed: the plan's for a cell, the run's configuration for a run (once `run_start` came).
  public private(set) var seed: UInt64?
  /// Unweighted ε-MSE per step (the objective `loss` for logs written before `mse` existed).
  public private(set) var loss = BinnedSeries()
  /// FID-2k at each evaluation, oldest first.
  public private(set) var fid: [StepChart.Point] = []
  /// Steps trained so far, and of the whole run.
  public private(set) var step = 0
  public private(set) var totalSteps: Int?
  /// Why the run ended (`finished`, `stopped`), nil while it goes on or before it started.
  public private(set) var endReason: String?
  /// Whether a `run_start` was seen.
  public private(set) var started = false
  /// Whether a trainer holds the directory now (its run lock), set by whoever watches the lock.
  public var isTraining = false

  /// A cell that has not been read yet.
  public init(name: String, directory: String, arm: Int, seed: UInt64? = nil) {
    (self.name, self.directory, self.arm, self.seed) = (name, directory, arm, seed)
  }

  /// Folds one event in. A fresh `run_start` (another run written over the folder) starts the cell over;
  /// a resumed one drops what was logged past its checkpoint, as every reader of `events.jsonl` does.
  public mutating func apply(_ e: TrainingEvent) {
    switch e.payload {
    case .runStart(let s):
      if s.resumed {
        loss.drop(after: e.step)
        fid.removeAll { $0.step > Double(e.step) }
      } else if started {
        self = ComparisonCell(name: name, directory: directory, arm: arm, seed: seed)
      }
      started = true
      seed = seed ?? s.config.seed
      totalSteps = s.totalSteps > 0 ? s.totalSteps : nil
      endReason = nil
      step = e.step
    case .step(let m):
      if let v = m.mse ?? m.loss { loss.append(step: e.step, value: v) }
      step = e.step
    case .eval(let r):
      if let f = r.fid2k { fid.append(StepChart.Point(step: Double(e.step), value: f)) }
      step = max(step, e.step)
    case .runEnd(let end):
      endReason = end.reason
      step = max(step, e.step)
    default:
      step = max(step, e.step)
    }
  }
}
