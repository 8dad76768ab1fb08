import DTRData
import DTRDiffusion
import DTREvaluation
import DTRFormats
import DTRMetrics
import Foundation

/// Runs the cells of an ``ExperimentPlan`` in `experiments/NAME/`: each an ordinary run directory trained
/// by ``Trainer`` (no second training loop), then scored once more with its final EMA weights. Finished
/// cells are skipped, an interrupted cell resumes from its last checkpoint, so running again continues.
public final class ExperimentRunner: @unchecked Sendable {
  /// Where a cell stands.
  public enum CellStatus: String, Sendable {
    /// Not started (or killed before its first checkpoint: it starts over).
    case new
    /// Has a checkpoint but no final metrics: resumes.
    case interrupted
    /// Trained and scored.
    case done
  }

  /// `experiments/NAME`.
  public let root: String
  /// The plan.
  public let plan: ExperimentPlan

  /// The experiment folder of `name` under `directory`.
  public static func root(name: String, directory: String = "experiments") -> String { directory + "/" + name }

  /// Opens (or creates) the experiment: a new plan is written to `experiment.json`; an existing one must
  /// equal `plan`, or this throws naming what differs.
  public init(plan: ExperimentPlan, directory: String = "experiments") throws {
    root = Self.root(name: plan.name, directory: directory)
    self.plan = plan
    let file = root + "/experiment.json"
    if FileManager.default.fileExists(atPath: file) {
      let saved = try Self.load(name: plan.name, directory: directory).plan
      let diff = plan.differences(from: saved)
      guard diff.isEmpty else {
        throw TrainingError("\(root) holds a different plan (\(diff.joined(separator: "; "))); rerun it with "
          + "dtr experiment resume \(plan.name), or choose another name")
      }
    } else {
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(try encoder.encode(plan), to: file)
    }
  }

  /// The experiment saved under `directory/name`.
  public static func load(name: String, directory: String = "experiments") throws -> ExperimentRunner {
    let file = root(name: name, directory: directory) + "/experiment.json"
    guard let data = FileManager.default.contents(atPath: file) else {
      throw TrainingError("no experiment \(name): \(file) not found; start it with dtr experiment run \(name) --arms …")
    }
    do {
      let plan = try JSONDecoder().decode(ExperimentPlan.self, from: data)
      return try ExperimentRunner(validated: plan, root: root(name: name, directory: directory))
    } catch let e as TrainingError { throw e } catch {
      throw TrainingError("\(file) is not an experiment plan (\(error)); restore it or choose another name")
    }
  }

  private init(validated plan: ExperimentPlan, root: String) throws {
    self.plan = plan
    self.root = root
  }

  /// The run directory of a cell.
  public func folder(_ cell: ExperimentPlan.Cell) -> RunFolder { RunFolder(root + "/" + cell.directory) }

  /// `final.json` of a cell: its final metrics.
  public func finalMetricsPath(_ cell: ExperimentPlan.Cell) -> String { folder(cell).path + "/final.json" }

  /// Where `cell` stands.
  public func status(_ cell: ExperimentPlan.Cell) -> CellStatus {
    if FileManager.default.fileExists(atPath: finalMetricsPath(cell)) { return .done }
    return FileManager.default.fileExists(atPath: folder(cell).last) ? .interrupted : .new
  }

  /// A trainer for `cell`, resuming it when interrupted; nil when it is done. A cell killed before its
  /// first checkpoint is started over.
  public func trainer(for cell: ExperimentPlan.Cell) throws -> Trainer? {
    let config = try plan.config(for: cell)
    let run = folder(cell)
    let data = try config.makeBatches()
    switch status(cell) {
    case .done: return nil
    case .interrupted:
      let (saved, _) = try Checkpoint.config(at: run.last)
      guard saved.model == config.model, saved.seed == config.seed, saved.steps == config.steps else {
        throw TrainingError("\(run.path) holds a run of another configuration; move it away to rerun the cell")
      }
      return try Trainer(config: config, runDirectory: run.path, data: data, resumeFrom: run.last)
    case .new:
      if FileManager.default.fileExists(atPath: run.path) {
        if let holder = RunLock.holder(of: run.path) {
          throw TrainingError("\(run.path) is being trained by \(holder); wait for it or stop it first")
        }
        try FileManager.default.removeItem(atPath: run.path)
      }
      return try Trainer(config: config, runDirectory: run.path, data: data)
    }
  }

  /// Scores a cell that finished training: its final EMA weights on ``ExperimentPlan/finalSamples`` images (the same noises and
  /// labels for every cell), or for a captions run on as many fixed caption layouts (``CaptionProbe``: the same layouts
  /// and noises for every cell), and writes `final.json`. It samples in fp32 whatever precision the cell trained at, so arms
  /// that differ in `precision` are scored alike (their in-training probes sample at the run's precision).
  public func scoreFinal(_ cell: ExperimentPlan.Cell, progress: ((Int, Int) -> Void)? = nil) throws -> FinalMetrics {
    let (config, model) = try Checkpoint.loadNetwork(at: folder(cell).last)
    let evaluator = try Evaluator.load()
    let started = Date()
    let sampler = Sampler(parsing: plan.finalSampler)!, schedule = NoiseSchedule(config.schedule, T: config.model.timesteps)
    var metrics = FinalMetrics(sampler: plan.finalSampler, seconds: 0)
    if config.model.captioned {
      let probe = try CaptionProbe(evaluator: evaluator, dataDirectory: config.dataDir, samples: plan.finalSamples,
                                   sampler: sampler, cfgScale: config.cfgScale)
      metrics.captions = try probe.measure(model: model, schedule: schedule,
                                           progress: { done, total, phase in if phase == .sampling { progress?(done, total) } }).scores
    } else {
      let generator = SampleGenerator(sampler: sampler, cfgScale: config.cfgScale, seed: FIDProbe.defaultSeed, batch: 100)
      let images = try generator.generate(model: model, schedule: schedule, count: plan.finalSamples, progress: progress)
      metrics.report = try evaluator.evaluate(generated: images, dataDirectory: config.dataDir)
    }
    metrics.seconds = Date().timeIntervalSince(started)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(metrics), to: finalMetricsPath(cell))
    return metrics
  }
}

/// A cell's final metrics (`final.json`): the metric report of a class or unconditional run, or the caption scores
/// of a captions run.
public struct FinalMetrics: Codable, Sendable, Equatable {
  /// FID, KID, precision/recall and IS of the final EMA weights (nil for a captions run).
  public var report: MetricReport?
  /// Crop FID, caption, class and attribute accuracies of the final EMA weights (captions runs only).
  public var captions: CaptionScores?
  /// The sampler used.
  public var sampler: String
  /// Seconds spent sampling and scoring.
  public var seconds: Double

  /// Final metrics with the sampler and time; the report or the caption scores are set after.
  public init(report: MetricReport? = nil, captions: CaptionScores? = nil, sampler: String, seconds: Double) {
    (self.report, self.captions, self.sampler, self.seconds) = (report, captions, sampler, seconds)
  }

  /// The FID the comparison ranks by: the report's FID, or the crop FID of all caption canvases.
  public var fid: Double? { report?.fid ?? captions?.all.fid }

  /// One line for progress output, e.g. `FID-2k 12.34  KID 0.0123` or `crop FID-200 123.4  caption accuracy 0.035`.
  public var summary: String {
    if let r = report { return String(format: "%@ %.2f  KID %.4f", MetricSuite.fidName(samples: r.sampleCount), r.fid, r.kid) }
    guard let all = captions?.all else { return "no metrics" }
    return String(format: "crop %@ %.2f  caption accuracy %.3f  class accuracy %.3f", MetricSuite.fidName(samples: all.canvases),
                  all.fid ?? .nan, all.captionAccuracy, all.classAccuracy)
  }
}
