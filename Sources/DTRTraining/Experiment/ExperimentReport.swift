import DTRFormats
import DTRMetrics
import Foundation

/// Writes an experiment's answer beside its cells: `results.json`, `results.md`, and `fid.png` /
/// `loss.png` drawn by gnuplot from `fid.csv` / `loss.csv` with the `.gp` scripts kept beside them, so
/// users can restyle the plots.
public enum ExperimentReport {
  /// Writes every file (atomically); returns a warning when the plots could not be drawn.
  @discardableResult
  public static func write(_ r: ExperimentResults, plan: ExperimentPlan, root: String) throws -> String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(r), to: root + "/results.json")
    try AtomicFile.write(Data(markdown(r, plan: plan).utf8), to: root + "/results.md")
    // Plot only arms with data so far (gnuplot refuses an empty block).
    let evaluated = plan.armNames.filter { arm in r.cells.contains { $0.arm == arm && !$0.evals.isEmpty } }
    let trained = plan.armNames.filter { arm in r.cells.contains { $0.arm == arm && !$0.mse.isEmpty } }
    try AtomicFile.write(Data(fidCSV(r, arms: evaluated, steps: plan.evalAt).utf8), to: root + "/fid.csv")
    try AtomicFile.write(Data(lossCSV(r, arms: trained).utf8), to: root + "/loss.csv")
    try AtomicFile.write(Data(script(arms: evaluated, data: "fid.csv", png: "fid.png",
                                     ylabel: "\(plan.fidName(samples: plan.evalSamples)) (lower is better)", band: true).utf8), to: root + "/fid.gp")
    try AtomicFile.write(Data(script(arms: trained, data: "loss.csv", png: "loss.png", ylabel: "training ε-MSE (unweighted, smoothed)",
                                     band: false).utf8), to: root + "/loss.gp")
    return Gnuplot.run(scripts: (evaluated.isEmpty ? [] : ["fid.gp"]) + (trained.isEmpty ? [] : ["loss.gp"]), in: root)
  }

  /// The per-arm table and the verdict against the baseline; for a captions run, crop FID and caption accuracy,
  /// each with its paired interval.
  public static func markdown(_ r: ExperimentResults, plan: ExperimentPlan) -> String {
    typealias Arm = ExperimentResults.ArmSummary
    func f(_ s: SampleSummary?, _ digits: Int = 2) -> String { Arm.text(s, digits: digits) }
    let captions = plan.base.task == .captions, baseline = plan.armNames[0]
    let final = plan.fidName(samples: plan.finalSamples), probe = plan.fidName(samples: plan.evalSamples)
    let steps = plan.evalAt.map(String.init).joined(separator: ", ")
    var md = "# Experiment `\(plan.name)`\n\n"
    md += "\(r.cellsDone) of \(r.cellsTotal) cells done. Every cell: \(plan.steps) steps, seeds \(plan.seeds.map(String.init).joined(separator: ", ")); "
    if captions {
      md += "\(probe) and caption accuracy of \(plan.evalSamples) fixed caption layouts at steps \(steps), and \(final), caption and "
      md += "class accuracy of \(plan.finalSamples) (\(plan.finalSampler), cfg \(plan.base.cfgScale)) with the final EMA weights; half of "
      md += "each set of layouts is seen in training, half has a held-out (class, slot) pair, and every cell draws the same "
      md += "layouts from the same initial noises. "
    } else {
      md += "\(probe) at steps \(steps) and \(final) (\(plan.finalSampler), cfg \(plan.base.cfgScale)) of the final EMA weights, "
      md += "all from the same initial noises and labels. "
    }
    md += "Values are mean ± sample std over seeds. Δ is the paired difference to the baseline `\(baseline)` "
    md += "(same seed), with a 95% Student-t interval.\n\n"
    let thresholdText = r.threshold.map { String(format: "%.2f", $0) } ?? "–"
    let stepsTo = "steps to \(probe) ≤ \(thresholdText)"
    func delta(_ a: Arm, _ d: SampleSummary?, digits: Int = 2) -> String {
      Arm.differenceText(d, digits: digits) ?? (a.arm == baseline ? "(baseline)" : "–")
    }
    func rest(_ a: Arm) -> String {
      "\(a.stepsToThreshold.map { String(format: "%.0f", $0) } ?? "not reached") | \(a.imagesPerSecond.map { String(format: "%.0f", $0) } ?? "–") |\n"
    }
    if captions {
      md += "| arm | seeds | \(final) | Δ \(final) vs baseline [95% CI] | verdict | caption accuracy | Δ caption accuracy vs baseline [95% CI] "
      md += "| verdict | class accuracy | \(stepsTo) | img/s |\n"
      md += "|---|---|---|---|---|---|---|---|---|---|---|\n"
      for a in r.arms {
        md += "| `\(a.arm)` | \(a.seeds) | \(f(a.fid)) | \(delta(a, a.fidDifference)) | \(a.verdict ?? "–") | \(f(a.captionAccuracy, 3)) | "
        md += "\(delta(a, a.captionAccuracyDifference, digits: 3)) | \(Arm.verdict(a.captionAccuracyDifference, higherIsBetter: true) ?? "–") | "
        md += "\(f(a.classAccuracy, 3)) | " + rest(a)
      }
    } else {
      md += "| arm | seeds | \(final) | Δ \(final) vs baseline [95% CI] | verdict | KID | precision | recall | IS | \(stepsTo) | img/s |\n"
      md += "|---|---|---|---|---|---|---|---|---|---|---|\n"
      for a in r.arms {
        md += "| `\(a.arm)` | \(a.seeds) | \(f(a.fid)) | \(delta(a, a.fidDifference)) | \(a.verdict ?? "–") | \(f(a.kid, 4)) | "
        md += "\(f(a.precision, 3)) | \(f(a.recall, 3)) | \(f(a.inceptionScore)) | " + rest(a)
      }
    }
    md += "\nThe threshold is the baseline's mean \(probe) at its last evaluation step: \"steps to\" says how soon each arm "
    md += "gets where the baseline ends (the paper's convergence-speed claim). Plots: `fid.png` (mean line, min–max band "
    md += "over seeds), `loss.png`.\n"
    if captions {
      md += "Caption accuracy counts a canvas when every garment is classified as its caption's class in its caption's box "
      md += "and the slot the caption leaves empty is empty; crop FID compares the garment crops with the same layouts "
      md += "drawn from real test images (docs/text-to-image.md). Each cell's `final.json` holds every caption score, "
      md += "seen and held-out.\n"
    }
    return md
  }

  /// `arm,step,mean,min,max` per arm block (gnuplot `index`), over the seeds evaluated at each step.
  static func fidCSV(_ r: ExperimentResults, arms: [String], steps: [Int]) -> String {
    arms.map { arm in
      var lines = ["# \(arm)", "step,mean,min,max"]
      for step in steps {
        let v = r.cells.filter { $0.arm == arm }.compactMap { c in c.evals.last { $0.step == step }?.fid }
        guard !v.isEmpty else { continue }
        lines.append("\(step),\(v.reduce(0, +) / Double(v.count)),\(v.min()!),\(v.max()!)")
      }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n\n\n") + "\n"
  }

  /// `step,mse` per arm block: the seeds' mean, smoothed by an exponential moving average (weight 0.9
  /// per point of the downsampled curve).
  static func lossCSV(_ r: ExperimentResults, arms: [String]) -> String {
    arms.map { arm in
      let curves = r.cells.filter { $0.arm == arm }.map(\.mse).filter { !$0.isEmpty }
      var lines = ["# \(arm)", "step,mse"]
      let n = curves.map(\.count).min() ?? 0
      var smoothed: Double?
      for i in 0..<n {
        let mean = curves.map { $0[i][1] }.reduce(0, +) / Double(curves.count)
        smoothed = smoothed.map { 0.9 * $0 + 0.1 * mean } ?? mean
        lines.append("\(Int(curves[0][i][0])),\(smoothed!)")
      }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n\n\n") + "\n"
  }

  /// A gnuplot script drawing one curve per arm (and a min–max band when `band`).
  static func script(arms: [String], data: String, png: String, ylabel: String, band: Bool) -> String {
    var s = """
      # Drawn by dtr experiment; edit and rerun `gnuplot \(data.replacingOccurrences(of: ".csv", with: ".gp"))` to restyle.
      set terminal pngcairo size 900,540 enhanced font ",11"
      set output '\(png)'
      set datafile separator ','
      set key outside right top noenhanced
      set grid
      set xlabel 'training step'
      set ylabel '\(ylabel)'

      """
    var plots: [String] = []
    for (i, arm) in arms.enumerated() {
      let colour = "lc \(i + 1)"
      if band { plots.append("'\(data)' index \(i) every ::1 using 1:3:4 with filledcurves \(colour) fs transparent solid 0.2 notitle") }
      plots.append("'\(data)' index \(i) every ::1 using 1:2 with linespoints \(colour) lw 2 title '\(arm)'")
    }
    s += "plot " + plots.joined(separator: ", \\\n     ") + "\n"
    return s
  }
}
