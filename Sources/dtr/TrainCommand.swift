import ArgumentParser
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr train`: train a diffusion model on Fashion-MNIST (the workbench on a terminal, headless otherwise).
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a diffusion model on Fashion-MNIST; opens the workbench on a terminal, headless otherwise.",
    discussion: """
      With --resume, the run continues from its newest checkpoint with its saved plan; only flags given \
      explicitly change it: --steps/--epochs and the cadences replace saved values, --alpha/--beta/--lr are \
      applied as logged changes, and a flag that would change the model, data or optimiser is refused.
      """)

  @OptionGroup var options: TrainOptions
  @Option(help: "Run directory (default runs/<preset>-<routing>-<time>).") var runDir: String?
  @Flag(help: "Continue the run in --run-dir from its last checkpoint.") var resume = false
  @Flag(help: "No workbench: print progress to stderr (automatic when stdout is not a terminal).") var headless = false
  @Option(help: "Workbench theme: a name in themes/ (default, light, high-contrast, greyscale) or a .theme path.")
  var theme = "default"

  func validate() throws {
    if resume && runDir == nil { throw ValidationError("--resume needs --run-dir runs/NAME") }
  }

  func run() throws {
    let base = options.base()
    let overrides = try options.overrides()
    let dir = runDir ?? RunFolder.defaultPath(preset: options.model.presetName, routing: options.model.routing ?? "dtr")
    let plan = try RunPlan.prepare(folder: RunFolder(dir), base: base, overrides: overrides, resume: resume)
    let cfg = plan.config
    let data = try cfg.makeBatches()
    let trainer = try Trainer(config: cfg, runDirectory: dir, data: data, resumeFrom: plan.resumeFrom, changes: plan.changes)
    let interactive = !headless && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0
    _ = TrainingHost.run(trainer, workbench: interactive ? WorkbenchOptions(theme: theme) : nil)
  }
}
