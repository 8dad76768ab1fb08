import DTRTraining
import Foundation

/// What a comparison shows, built only from the cells' events and the experiment's `results.json`: the
/// arms and their cells, loss and FID curves per arm (mean over seeds or one per seed), and the results
/// table. Pure state: no I/O, no terminal.
public struct ComparisonModel: Sendable {
  /// The experiment's plan and folder (`experiments/NAME`); nil when comparing runs named on the command line.
  public let plan: ExperimentPlan?, root: String?
  /// What is compared (`experiment NAME`, `2 runs`).
  public let title: String
  /// The arms, baseline first for an experiment.
  public let arms: [ComparisonArm]
  /// Every cell.
  public private(set) var cells: [ComparisonCell]
  /// The experiment's `results.json`, once written.
  public private(set) var results: ExperimentResults?

  /// The experiment `plan` kept in `root` (`experiments/NAME`): one arm per arm of the plan, one cell per
  /// seed.
  public init(plan: ExperimentPlan, root: String) {
    (self.plan, self.root) = (plan, root)
    title = "experiment \(plan.name)"
    let names = plan.armNames
    cells = plan.cells.map { c in
      ComparisonCell(name: c.directory, directory: root + "/" + c.directory, arm: names.firstIndex(of: c.armName)!, seed: c.seed)
    }
    let cells = self.cells
    arms = names.enumerated().map { i, name in
      ComparisonArm(name: name, cells: cells.indices.filter { cells[$0].arm == i }.sorted { cells[$0].seed! < cells[$1].seed! })
    }
  }

  /// The runs in `directories`, one arm each, named by their folders (with the parent folder too where
  /// two folders have the same name).
  public init(runs directories: [String]) {
    (plan, root) = (nil, nil)
    title = "\(directories.count) runs"
    let paths = directories.map { URL(fileURLWithPath: $0).standardizedFileURL }
    let names = paths.map { url in
      paths.filter { $0.lastPathComponent == url.lastPathComponent }.count > 1
        ? url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent : url.lastPathComponent
    }
    cells = directories.indices.map { ComparisonCell(name: names[$0], directory: directories[$0], arm: $0) }
    arms = names.indices.map { ComparisonArm(name: names[$0], cells: [$0]) }
  }

  /// Folds `events` from cell `index`'s `events.jsonl` in.
  public mutating func apply(_ events: [TrainingEvent], toCell index: Int) {
    for e in events { cells[index].apply(e) }
  }

  /// Records whether a trainer holds cell `index` now.
  public mutating func setTraining(_ training: Bool, cell index: Int) { cells[index].isTraining = training }

  /// Replaces the results (read again from `results.json`).
  public mutating func setResults(_ r: ExperimentResults?) { results = r }

  /// What the FID measured while training is called: the plan's evaluation size for an experiment
  /// (`FID-2k`, `FID-500`, `crop FID-200` for captions), `FID-2k` for runs.
  public var fidName: String { plan.map { $0.fidName(samples: $0.evalSamples) } ?? "FID-2k" }

  /// The cells being trained now.
  public var training: [ComparisonCell] { cells.filter(\.isTraining) }

  /// The smoothed loss curves of the arms not in `hidden`: per arm the mean over its seeds of each bin
  /// (over the seeds that reached it), or with `perSeed` one curve per cell; smoothed by ``Smoothing``
  /// with `weight`. Arms and cells without data yet have no curve.
  public func lossCurves(perSeed: Bool, weight: Double, hidden: Set<Int> = []) -> [ComparisonCurve] {
    curves(perSeed: perSeed, hidden: hidden) { cells in
      let width = cells.map(\.loss.width).max() ?? 1
      var byBin: [Int: (step: Double, value: Double, n: Int)] = [:]
      for c in cells {
        for p in c.loss.points(width: width) {
          let s = byBin[p.bin] ?? (0, 0, 0)
          byBin[p.bin] = (s.step + p.step, s.value + p.value, s.n + 1)
        }
      }
      let mean = byBin.sorted { $0.key < $1.key }.map { _, b in StepChart.Point(step: b.step / Double(b.n), value: b.value / Double(b.n)) }
      let smooth = Smoothing.ema(mean.map(\.value), weight: weight)
      return zip(mean, smooth).map { StepChart.Point(step: $0.step, value: $1) }
    }
  }

  /// The FID curves of the arms not in `hidden`: per arm the mean over its seeds at each evaluation step
  /// (over the seeds evaluated there), or with `perSeed` one curve per cell.
  public func fidCurves(perSeed: Bool, hidden: Set<Int> = []) -> [ComparisonCurve] {
    curves(perSeed: perSeed, hidden: hidden) { cells in
      let byStep = Dictionary(grouping: cells.flatMap(\.fid), by: \.step)
      return byStep.keys.sorted().map { s in
        StepChart.Point(step: s, value: byStep[s]!.map(\.value).reduce(0, +) / Double(byStep[s]!.count))
      }
    }
  }

  /// One curve per visible arm from `points` of its cells, or with `perSeed` one per cell from its own.
  private func curves(perSeed: Bool, hidden: Set<Int>, _ points: ([ComparisonCell]) -> [StepChart.Point]) -> [ComparisonCurve] {
    var out: [ComparisonCurve] = []
    for (i, arm) in arms.enumerated() where !hidden.contains(i) {
      let cells = arm.cells.map { self.cells[$0] }
      if perSeed {
        for c in cells {
          let label = plan == nil ? arm.name : "\(arm.name) s\(c.seed.map(String.init) ?? "?")"
          out.append(ComparisonCurve(arm: i, label: label, points: points([c])))
        }
      } else {
        out.append(ComparisonCurve(arm: i, label: arm.name, points: points(cells)))
      }
    }
    return out.filter { !$0.points.isEmpty }
  }
}
