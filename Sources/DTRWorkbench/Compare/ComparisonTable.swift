import DTRTraining

/// The table under a comparison's charts. For an experiment, its results (from `results.json`): per arm
/// the seeds done, final FID mean ± std, the paired difference to the baseline with its 95% interval and
/// the verdict (for a captions experiment also caption accuracy and its paired difference), filling in as
/// cells finish. For runs, where each one stands and its FID.
public struct ComparisonTable: Sendable, Equatable {
  /// Column titles.
  public var header: [String]
  /// One row of cells per arm, in arm order.
  public var rows: [[String]]
  /// A line under the table, when there is something to say (no results yet).
  public var note: String?

  /// The table of `model`.
  public init(_ model: ComparisonModel) {
    guard let plan = model.plan else {
      header = ["run", "step", "state", "last FID-2k", "best FID-2k"]
      rows = model.arms.map { arm in
        let c = model.cells[arm.cells[0]]
        let state = c.isTraining ? "training" : c.endReason ?? (c.started ? "not running" : "not started")
        let step = Format.count(c.step) + (c.totalSteps.map { "/" + Format.count($0) } ?? "")
        return [arm.name, step, state, c.fid.last.map { Format.value($0.value) } ?? "–",
                c.fid.map(\.value).min().map(Format.value) ?? "–"]
      }
      note = nil
      return
    }
    let captions = plan.base.task == .captions
    header = ["arm", "seeds", plan.fidName(samples: plan.finalSamples) + " mean ± std", "Δ vs baseline [95% CI]", "verdict"]
      + (captions ? ["caption acc.", "Δ caption acc. [95% CI]"] : [])
    let summaries = model.results?.arms ?? []
    rows = model.arms.enumerated().map { i, arm in
      let s = summaries.first { $0.arm == arm.name }
      let baseline = i == 0 ? "(baseline)" : "–"
      let row = [arm.name, "\(s?.seeds ?? 0)/\(plan.seeds.count)", ExperimentResults.ArmSummary.text(s?.fid),
                 s?.fidDifferenceText ?? baseline, s?.verdict ?? "–"]
      guard captions else { return row }
      return row + [ExperimentResults.ArmSummary.text(s?.captionAccuracy, digits: 3),
                    ExperimentResults.ArmSummary.differenceText(s?.captionAccuracyDifference, digits: 3) ?? baseline]
    }
    note = model.results == nil ? "no results.json yet: it is written when the first cell finishes" : nil
  }
}
