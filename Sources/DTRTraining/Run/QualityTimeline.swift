import Foundation

/// A run's evaluations placed on its clock: how many minutes of training bought which FID, the number a
/// user feels most (`dtr bench time-to-quality`, docs/performance.md).
///
/// The clock runs only while a trainer holds the run: from each `run_start` to the last record of that
/// session, so the gap between a stop and a `--resume` is not counted. Two readings are kept for every
/// point: **wall** minutes (everything the trainer did, evaluations included: when the user could read
/// the number) and **training** minutes (wall minus evaluation and paused time: what the weights cost).
/// An evaluation cancelled by a stop counts as evaluation time up to the stop; evaluations logged past the
/// checkpoint a run resumed from are dropped (their weights were discarded), their minutes are not.
public struct QualityTimeline: Sendable, Equatable {
  /// Where the run stood when something happened.
  public struct Mark: Sendable, Equatable {
    /// Optimizer steps taken.
    public var step: Int
    /// Minutes the trainer ran, evaluations included.
    public var wallMinutes: Double
    /// Minutes spent training: wall minus evaluations and pauses.
    public var trainingMinutes: Double
    /// A mark.
    public init(step: Int, wallMinutes: Double, trainingMinutes: Double) {
      (self.step, self.wallMinutes, self.trainingMinutes) = (step, wallMinutes, trainingMinutes)
    }
  }

  /// One evaluation.
  public struct Point: Sendable, Equatable {
    /// When the evaluated weights existed (training minutes) and when the result was known (wall).
    public var mark: Mark
    /// The 1-based epoch the evaluation belongs to, when logged.
    public var epoch: Int?
    /// The metric's name (`FID-2k`, `FID-10k`).
    public var name: String
    /// Its FID and KID.
    public var fid: Double
    public var kid: Double?
  }

  /// The run's evaluations, in order.
  public private(set) var points: [Point] = []
  /// Where the run was at its last record.
  public private(set) var end: Mark?
  /// Where the run was when it wrote the checkpoint of each step (the latest, if written twice).
  public private(set) var checkpoints: [Int: Mark] = [:]

  /// Reads the records of one run in file order.
  public init(events: [TrainingEvent]) {
    var closed = 0.0, sessionStart: Double?, last = 0.0
    var evaluating = 0.0, paused = 0.0
    var pausedAt: Double?, evalStartedAt: Double?
    func mark(_ e: TrainingEvent) -> Mark {
      let wall = closed + max(0, e.time - (sessionStart ?? e.time))
      return Mark(step: e.step, wallMinutes: wall / 60, trainingMinutes: max(0, wall - evaluating - paused) / 60)
    }
    func closeOpenSpans(at time: Double) {
      if let t = evalStartedAt { evaluating += max(0, time - t); evalStartedAt = nil }
      if let t = pausedAt { paused += max(0, time - t); pausedAt = nil }
    }
    for e in events {
      switch e.payload {
      case .runStart(let s):
        if let start = sessionStart {
          closeOpenSpans(at: last)
          closed += max(0, last - start)
        }
        sessionStart = e.time
        // A resumed run continues from its checkpoint: what the stopped one evaluated past it is gone.
        if s.resumed {
          points.removeAll { $0.mark.step > e.step }
          checkpoints = checkpoints.filter { $0.key <= e.step }
        }
      case .pause:
        pausedAt = pausedAt ?? e.time
      case .resume:
        if let t = pausedAt { paused += max(0, e.time - t); pausedAt = nil }
      case .evalProgress:
        evalStartedAt = evalStartedAt ?? e.time
      case .eval(let ev):
        let seconds = ev.seconds ?? evalStartedAt.map { e.time - $0 } ?? 0
        evaluating += max(0, seconds)
        evalStartedAt = nil
        if let fid = ev.fid2k, ev.captionAccuracy == nil {
          points.append(Point(mark: mark(e), epoch: ev.epoch, name: ev.name, fid: fid, kid: ev.kid))
        }
      case .checkpoint:
        checkpoints[e.step] = mark(e)
      case .runEnd:
        closeOpenSpans(at: e.time)
      default:
        break
      }
      last = e.time
      if sessionStart != nil { end = mark(e) }
    }
  }

  /// Adds an evaluation made after the run (`dtr eval --json`) of the checkpoint it wrote at `step`, or of
  /// its final weights when `step` is nil, at the minutes that checkpoint had cost; false when the run
  /// wrote no checkpoint at `step` (or has no records). Points stay in order of training minutes.
  @discardableResult
  public mutating func appendEvaluation(ofCheckpointAt step: Int?, name: String, fid: Double, kid: Double?) -> Bool {
    guard let mark = step.map({ checkpoints[$0] }) ?? end else { return false }
    points.append(Point(mark: mark, epoch: nil, name: name, fid: fid, kid: kid))
    points.sort { $0.mark.trainingMinutes < $1.mark.trainingMinutes }
    return true
  }

  /// The first point of metric `name` at or below `fid`, or nil.
  public func firstReaching(_ fid: Double, name: String) -> Point? {
    points.first { $0.name == name && $0.fid <= fid }
  }
}
