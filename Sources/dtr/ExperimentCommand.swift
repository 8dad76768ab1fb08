import ArgumentParser
import DTRDiffusion
import DTREvaluation
import DTRTraining
import Foundation

/// `dtr experiment`: does DTR beat vanilla and random routing here, and which α/β? Arms × seeds at equal
/// steps, a results table with uncertainty, and plots.
struct Experiment: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run arms × seeds at equal steps and compare them (FID with uncertainty, convergence plots).",
    subcommands: [ExperimentRun.self, ExperimentResume.self, ExperimentRunCell.self, ExperimentPlanCommand.self,
                  ExperimentReportCommand.self])
}

/// The flags that define an experiment's plan, shared by `run` and `plan`.
struct ExperimentOptions: ParsableArguments {
  @Argument(help: "The experiment's name (its folder under --directory).") var name: String
  @OptionGroup var train: TrainOptions
  @Option(name: .customLong("arms"), help: ArgumentHelp("A swept field and its values, FIELD=V1,V2,… (repeatable; cells are the product). "
    + "Fields: \(ExperimentPlan.sweepable.joined(separator: ", ")).", valueName: "field=values"))
  var arms: [String] = []
  @Option(help: "Seeds, comma-separated (the same for every arm).") var seeds = "0,1,2"
  @Option(help: "Evaluate FID at these steps, comma-separated.") var evalAt: String?
  @Option(help: "Evaluate FID every K steps (instead of --eval-at).") var evalEverySteps: Int?
  @Option(help: "Images per evaluation during training.") var evalSamples = 2000
  @Option(help: "Images for each cell's final FID, KID, precision/recall and IS.") var finalSamples = 10_000
  @Option(help: "Sampler of the final metrics: \(Sampler.spellings).") var finalSampler = SampleGenerator.defaultSampler.description
  @Option(help: "Folder holding experiments.") var directory = "experiments"

  func validate() throws {
    if train.steps == nil { throw ValidationError("--steps N is required: every cell trains the same number of steps") }
    if evalAt != nil && evalEverySteps != nil { throw ValidationError("give --eval-at or --eval-every-steps, not both") }
    if let k = evalEverySteps, k < 1 { throw ValidationError("--eval-every-steps must be ≥ 1") }
    if evalSamples < 10 || finalSamples < 10 { throw ValidationError("--eval-samples and --final-samples must be ≥ 10") }
  }

  /// The plan these flags describe.
  func plan() throws -> ExperimentPlan {
    var base = train.base()
    for o in try train.overrides() { o.apply(&base) }
    if train.sampleEvery == nil { base.sampleEveryEpochs = 0 }  // grids cost time the comparison does not need
    let steps = train.steps!
    let axes = try arms.map { spec -> ExperimentPlan.Axis in
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[1].isEmpty else {
        throw CLIError("--arms \(spec): write FIELD=V1,V2, e.g. --arms routing=none,dtr,random")
      }
      return ExperimentPlan.Axis(field: parts[0], values: parts[1].split(separator: ",").map(String.init))
    }
    let seedList = try seeds.split(separator: ",").map { s -> UInt64 in
      guard let v = UInt64(s.trimmingCharacters(in: .whitespaces)) else { throw CLIError("--seeds \(seeds): write e.g. 0,1,2") }
      return v
    }
    var evalSteps: [Int] = []
    if let evalAt {
      evalSteps = try evalAt.split(separator: ",").map { s in
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else { throw CLIError("--eval-at \(evalAt): write e.g. 500,1000") }
        return v
      }
    } else if let k = evalEverySteps {
      evalSteps = Array(stride(from: k, through: steps, by: k))
    }
    return try ExperimentPlan(name: name, base: base, axes: axes, seeds: seedList, steps: steps, evalAt: evalSteps,
                              evalSamples: evalSamples, finalSamples: finalSamples, finalSampler: finalSampler)
  }
}

/// Runs cells and rewrites the results after each; shared by `run`, `resume` and `run-cell`.
enum ExperimentDriver {
  /// Trains and scores `cells` (skipping finished ones), rewriting the results after each.
  static func run(_ runner: ExperimentRunner, cells: [ExperimentPlan.Cell]) throws {
    let all = runner.plan.cells
    let todo = cells.filter { runner.status($0) != .done }
    writeStderr("experiment \(runner.plan.name): \(all.count) cells, \(all.count - todo.count) done; results in \(runner.root)\n")
    for (position, cell) in todo.enumerated() {
      guard TrainingHost.signalled == 0 else { break }
      let label = "cell \(cell.index + 1)/\(all.count) \(cell.armName) s\(cell.seed)"
      guard let trainer = try runner.trainer(for: cell) else { continue }
      let later = (todo.count - position - 1) * runner.plan.steps
      let reason = TrainingHost.run(trainer, workbench: nil,
                                    progress: HeadlessProgress(total: trainer.totalSteps, label: label, laterSteps: later))
      guard reason == "finished" else { break }
      let bar = ProgressLine()
      let final = try runner.scoreFinal(cell) { done, total in bar.update(done, total, "\(label): final \(runner.plan.finalSamples) samples") }
      bar.note("\(label): \(final.summary)")
      try report(runner)
    }
    try report(runner)
  }

  /// Rewrites results.json, results.md and the plots.
  static func report(_ runner: ExperimentRunner) throws {
    let results = ExperimentResults(runner)
    if let warning = try ExperimentReport.write(results, plan: runner.plan, root: runner.root) {
      writeStderr("warning: \(warning)\n")
    }
  }
}

/// `dtr experiment run NAME …`.
struct ExperimentRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Plan (or continue) an experiment and run every cell that is not finished.",
    discussion: "Running the same command again continues; a different plan for an existing name is refused.")

  @OptionGroup var options: ExperimentOptions

  func run() throws {
    let runner = try ExperimentRunner(plan: try options.plan(), directory: options.directory)
    try ExperimentDriver.run(runner, cells: runner.plan.cells)
  }
}

/// The name and folder of an experiment that already has a plan.
struct SavedExperiment: ParsableArguments {
  @Argument(help: "The experiment's name.") var name: String
  @Option(help: "Folder holding experiments.") var directory = "experiments"

  /// The experiment with its saved plan.
  func load() throws -> ExperimentRunner { try ExperimentRunner.load(name: name, directory: directory) }
}

/// `dtr experiment resume NAME`.
struct ExperimentResume: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "resume", abstract: "Continue an experiment with its saved plan.")
  @OptionGroup var experiment: SavedExperiment

  func run() throws {
    let runner = try experiment.load()
    try ExperimentDriver.run(runner, cells: runner.plan.cells)
  }
}

/// `dtr experiment run-cell NAME --cell I`: one cell, for spreading a grid over machines.
struct ExperimentRunCell: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run-cell", abstract: "Run one cell of a planned experiment.")
  @OptionGroup var experiment: SavedExperiment
  @Option(help: "The cell's index (0-based, as `plan` lists them).") var cell: Int

  func run() throws {
    let runner = try experiment.load()
    let cells = runner.plan.cells
    guard cells.indices.contains(cell) else {
      throw CLIError("--cell \(cell) is outside 0…\(cells.count - 1) of experiment \(experiment.name)")
    }
    try ExperimentDriver.run(runner, cells: [cells[cell]])
  }
}

/// `dtr experiment plan NAME … [--slurm]`: writes the plan and lists its cells, or prints a Slurm job array.
struct ExperimentPlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan", abstract: "Write an experiment's plan and list its cells (or print a Slurm job-array script).")
  @OptionGroup var options: ExperimentOptions
  @Flag(help: "Print a Slurm job-array script whose task i runs `dtr experiment run-cell NAME --cell i`.") var slurm = false

  func run() throws {
    let runner = try ExperimentRunner(plan: try options.plan(), directory: options.directory)
    let cells = runner.plan.cells
    if slurm {
      let binary = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
        : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
      print("""
        #!/bin/bash
        #SBATCH --job-name=dtr-\(runner.plan.name)
        #SBATCH --array=0-\(cells.count - 1)
        #SBATCH --cpus-per-task=2
        #SBATCH --output=\(runner.root)/slurm-%a.out
        # Each task trains and scores one cell of experiments/\(runner.plan.name); rerunning a task resumes its cell.
        # Afterwards: dtr experiment report \(runner.plan.name)
        cd \(FileManager.default.currentDirectoryPath)
        exec \(binary) experiment run-cell \(runner.plan.name) --cell "$SLURM_ARRAY_TASK_ID" --directory \(options.directory)
        """)
    } else {
      for c in cells { print("\(c.index)\t\(c.directory)\t\(runner.status(c).rawValue)") }
    }
  }
}

/// `dtr experiment report NAME`: rewrites the results from what the cells hold.
struct ExperimentReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "report", abstract: "Rewrite results.json/md and the plots.")
  @OptionGroup var experiment: SavedExperiment

  func run() throws {
    let runner = try experiment.load()
    try ExperimentDriver.report(runner)
    print((try? String(contentsOfFile: runner.root + "/results.md", encoding: .utf8)) ?? "")
  }
}
