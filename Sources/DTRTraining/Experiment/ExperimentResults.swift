import DTREvaluation
import DTRMetrics
import Foundation

/// What an experiment measured so far, read back from its cells' run directories (events and
/// `final.json`), and the per-arm answer: `results.json` and `results.md`, rewritten as cells finish.
public struct ExperimentResults: Codable, Sendable {
  /// One cell's record.
  public struct CellResult: Codable, Sendable {
    /// The cell's arm, seed and directory.
    public var arm: String, seed: UInt64, directory: String
    /// Whether it finished training and scoring.
    public var done: Bool
    /// Steps trained so far.
    public var step: Int
    /// FID-2k (or the plan's eval size; crop FID for captions) and KID at each evaluation step.
    public var evals: [EvalPoint]
    /// The final metrics, once scored.
    public var final: FinalMetrics?
    /// Seconds of training (summed over resumes) and the mean throughput.
    public var trainSeconds: Double, imagesPerSecond: Double?
    /// Unweighted ε-MSE per step (comparable across loss weightings), downsampled for the loss plot.
    public var mse: [[Double]]
  }

  /// One evaluation of one cell.
  public struct EvalPoint: Codable, Sendable, Equatable {
    /// Step, FID (crop FID for captions) and KID (nil for captions).
    public var step: Int, fid: Double, kid: Double?
    /// Caption accuracy over all canvases (captions runs only).
    public var captionAccuracy: Double?
  }

  /// One arm over its seeds.
  public struct ArmSummary: Codable, Sendable {
    /// The arm's name and the seeds that finished.
    public var arm: String, seeds: Int
    /// Final FID, KID, precision, recall and IS over seeds.
    public var fid: SampleSummary?, kid: SampleSummary?, precision: SampleSummary?, recall: SampleSummary?, inceptionScore: SampleSummary?
    /// Final FID (crop FID for captions) minus the baseline's, paired by seed (nil for the baseline itself).
    public var fidDifference: SampleSummary?
    /// Final caption and class accuracy over seeds (captions runs only).
    public var captionAccuracy: SampleSummary?, classAccuracy: SampleSummary?
    /// Final caption accuracy minus the baseline's, paired by seed (captions runs, not the baseline).
    public var captionAccuracyDifference: SampleSummary?
    /// The first evaluation step at which the arm's mean FID over seeds reached the threshold (nil: never).
    public var stepsToThreshold: Double?
    /// Mean training throughput.
    public var imagesPerSecond: Double?
  }

  /// The plan's name, cells done and in all.
  public var name: String, cellsDone: Int, cellsTotal: Int
  /// The FID threshold of ``ArmSummary/stepsToThreshold``: the baseline arm's mean FID at the last
  /// evaluation step.
  public var threshold: Double?
  /// Every cell.
  public var cells: [CellResult]
  /// Every arm, baseline first.
  public var arms: [ArmSummary]

  /// Reads every cell of `runner`'s experiment.
  public init(_ runner: ExperimentRunner) {
    let plan = runner.plan
    name = plan.name
    cells = plan.cells.map { Self.read(runner, $0) }
    cellsDone = cells.filter(\.done).count
    cellsTotal = cells.count
    let byArm = Dictionary(grouping: cells, by: \.arm)
    let baseline = byArm[plan.armNames[0]] ?? []
    let lastEval = plan.evalAt.last
    let baselineLast = baseline.compactMap { c in c.evals.last { $0.step == lastEval }?.fid }
    let threshold = baselineLast.isEmpty ? nil : baselineLast.reduce(0, +) / Double(baselineLast.count)
    self.threshold = threshold
    arms = plan.armNames.map { arm in
      Self.summarise(arm: arm, cells: byArm[arm] ?? [], baseline: arm == plan.armNames[0] ? nil : baseline,
                     threshold: threshold)
    }
  }

  private static func read(_ runner: ExperimentRunner, _ cell: ExperimentPlan.Cell) -> CellResult {
    let run = runner.folder(cell)
    let events = EventFollower.readAll(path: run.events)
    var evals: [EvalPoint] = [], mse: [(Int, Double)] = [], rates: [Double] = []
    var step = 0
    for e in events {
      switch e.payload {
      case .runStart(let s):
        if s.resumed {  // drop what the interrupted run logged past its checkpoint
          evals.removeAll { $0.step > e.step }
          mse.removeAll { $0.0 > e.step }
        }
      case .step(let m):
        if let v = m.mse ?? m.loss { mse.append((e.step, v)) }
        if let r = m.imgPerS { rates.append(r) }
      case .eval(let r):
        if let fid = r.fid2k { evals.append(EvalPoint(step: e.step, fid: fid, kid: r.kid, captionAccuracy: r.captionAccuracy)) }
      default: break
      }
      step = max(step, e.step)
    }
    let seconds = (QualityTimeline(events: events).end?.wallMinutes ?? 0) * 60
    let final = FileManager.default.contents(atPath: runner.finalMetricsPath(cell))
      .flatMap { try? JSONDecoder().decode(FinalMetrics.self, from: $0) }
    // ≤ 400 points: means over equal step windows.
    let stride = max(1, mse.count / 400)
    let points = Swift.stride(from: 0, to: mse.count, by: stride).map { i -> [Double] in
      let window = mse[i..<min(mse.count, i + stride)]
      return [Double(window.last!.0), window.map(\.1).reduce(0, +) / Double(window.count)]
    }
    return CellResult(arm: cell.armName, seed: cell.seed, directory: cell.directory, done: final != nil, step: step,
                      evals: evals, final: final, trainSeconds: seconds,
                      imagesPerSecond: rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count), mse: points)
  }

  private static func summarise(arm: String, cells: [CellResult], baseline: [CellResult]?, threshold: Double?) -> ArmSummary {
    let done = cells.filter(\.done).sorted { $0.seed < $1.seed }
    func summary(_ f: (FinalMetrics) -> Double?) -> SampleSummary? {
      let v = done.compactMap { $0.final.flatMap(f) }
      return v.isEmpty ? nil : SampleSummary(v)
    }
    // The arm's value minus the baseline's, over the seeds both have.
    func difference(_ f: (FinalMetrics) -> Double?) -> SampleSummary? {
      guard let baseline else { return nil }
      let base = Dictionary(uniqueKeysWithValues: baseline.filter(\.done).compactMap { c in c.final.flatMap(f).map { (c.seed, $0) } })
      let pairs = done.compactMap { c in c.final.flatMap(f).flatMap { v in base[c.seed].map { (v, $0) } } }
      return pairs.isEmpty ? nil : SampleSummary.paired(pairs.map(\.0), minus: pairs.map(\.1))
    }
    let captionAccuracy: (FinalMetrics) -> Double? = { $0.captions?.all.captionAccuracy }
    // Steps to the threshold on the arm's mean curve (mean over its finished seeds at each evaluation step).
    var steps: Double?
    if let threshold, !done.isEmpty {
      let evalSteps = Set(done.flatMap { $0.evals.map(\.step) }).sorted()
      steps = evalSteps.first { step in
        let v = done.compactMap { c in c.evals.last { $0.step == step }?.fid }
        return v.count == done.count && v.reduce(0, +) / Double(v.count) <= threshold
      }.map(Double.init)
    }
    let rates = cells.compactMap(\.imagesPerSecond)
    return ArmSummary(arm: arm, seeds: done.count, fid: summary(\.fid), kid: summary { $0.report?.kid },
                      precision: summary { $0.report?.precision }, recall: summary { $0.report?.recall },
                      inceptionScore: summary { $0.report?.isMean }, fidDifference: difference(\.fid),
                      captionAccuracy: summary(captionAccuracy), classAccuracy: summary { $0.captions?.all.classAccuracy },
                      captionAccuracyDifference: difference(captionAccuracy),
                      stepsToThreshold: steps, imagesPerSecond: rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count))
  }
}
