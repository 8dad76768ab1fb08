import ArgumentParser
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr watch`: the workbench attached read-only to a run's `events.jsonl`, or the comparison view of an
/// experiment or of several runs.
struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Watch a run (live in another process, or finished) in the workbench, read-only.",
    discussion: "An experiment folder (experiments/NAME, holding experiment.json) or several run directories open the "
      + "comparison view: every arm's loss and FID curves overlaid, and the results table.")

  @Argument(help: "Run directory (holds events.jsonl); several to compare them; or an experiment folder (holds experiment.json).")
  var runDirs: [String]
  @Option(help: "Theme name or .theme path.") var theme = "default"

  func run() throws {
    let options = WorkbenchOptions(theme: theme, readOnly: true, detaches: true)
    if runDirs.count == 1, FileManager.default.fileExists(atPath: runDirs[0] + "/experiment.json") {
      let url = URL(fileURLWithPath: runDirs[0]).standardizedFileURL
      let runner = try ExperimentRunner.load(name: url.lastPathComponent, directory: url.deletingLastPathComponent().path)
      _ = try Comparison.run(ComparisonModel(plan: runner.plan, root: runner.root), options: options)
      return
    }
    for dir in runDirs where !RunFolder(dir).holdsRun {
      throw CLIError("\(dir)/events.jsonl not found; pass a run directory written by dtr train (runs/NAME) "
        + "or an experiment folder (experiments/NAME)")
    }
    if runDirs.count == 1 {
      _ = try Workbench.run(session: RunClient(runDirectory: runDirs[0], readOnly: true), options: options)
    } else {
      _ = try Comparison.run(ComparisonModel(runs: runDirs), options: options)
    }
  }
}
