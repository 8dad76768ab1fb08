import ArgumentParser
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr watch`: the workbench attached read-only to a run's `events.jsonl`.
struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Watch a run (live in another process, or finished) in the workbench, read-only.")

  @Argument(help: "Run directory (holds events.jsonl).") var runDir: String
  @Option(help: "Theme name or .theme path.") var theme = "default"

  func run() throws {
    guard RunFolder(runDir).holdsRun else {
      throw CLIError("\(runDir)/events.jsonl not found; pass a run directory written by dtr train (runs/NAME)")
    }
    _ = try Workbench.run(session: RunClient(runDirectory: runDir, readOnly: true),
                          options: WorkbenchOptions(theme: theme, readOnly: true, detaches: true))
  }
}
