import ArgumentParser
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr attach`: the full workbench, steering included, on a run trained by another process.
struct Attach: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open the workbench on a run trained elsewhere (dtr train --headless, nohup, another terminal) and steer it.",
    discussion: "q detaches and leaves training running; x stops it (the trainer writes a checkpoint first).")

  @Argument(help: "Run directory (runs/NAME).") var runDir: String
  @Option(help: "Theme name or .theme path.") var theme = "default"

  func run() throws {
    let folder = RunFolder(runDir)
    guard folder.holdsRun else {
      throw CLIError("\(runDir)/events.jsonl not found; pass a run directory written by dtr train (runs/NAME)")
    }
    let client = RunClient(runDirectory: runDir, readOnly: false)
    if client.trainer == nil {
      writeStderr("note: no trainer is running \(runDir) (it ended or was killed); steering needs one: "
        + "dtr train --resume --run-dir \(runDir)\n")
    }
    _ = try Workbench.run(session: client, options: WorkbenchOptions(theme: theme, detaches: true))
  }
}
