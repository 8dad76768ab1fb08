import DTRData
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels

/// Sample grids from fixed noise: row r holds class r (or unconditional draws), or for a captioned
/// model the samples of prompt r.
public enum SampleGrid {
  /// The label of every cell of a `rows × cols` grid: the row's class (wrapping), or the null label.
  static func labels(rows: Int, cols: Int, config: ModelConfig) -> [Int] {
    (0..<(rows * cols)).map { config.conditional ? ($0 / cols) % config.numClasses : config.nullClass }
  }

  /// The prompts of a captioned run's grids: seen combinations first, then two held-out ones
  /// (`bag` on the left, `sneaker` on the right).
  public static let captionPrompts = [
    "a large light bag on the right",
    "a large dark trouser on the right",
    "a large light flipped shirt on the left",
    "a small light sneaker on the top left and a large dark boot on the right",
    "a small dark dress on the bottom left and a small light sandal on the top right",
    "a large light bag on the left",
    "a large light sneaker on the right",
  ]

  /// Samples `rows × cols` images with `model` in one batch (``SampleGenerator``); returns
  /// `[rows·cols, C, H, W]` in [−1, 1], or nil when `isCancelled` answered true before a sampling step.
  /// A captioned model draws row r from `prompts[r]` (`rows` must equal their count).
  public static func generate(
    model: any DenoisingNetwork, schedule: NoiseSchedule, sampler: Sampler, rows: Int, cols: Int, cfgScale: Double,
    seed: UInt64, prompts: [String]? = nil, isCancelled: (() -> Bool)? = nil
  ) throws -> Tensor? {
    let generator = SampleGenerator(sampler: sampler, cfgScale: cfgScale, seed: seed, batch: rows * cols)
    guard let prompts else {
      let labels = labels(rows: rows, cols: cols, config: model.config)
      return try? generator.generate(model: model, schedule: schedule, labels: labels, isCancelled: isCancelled)
    }
    precondition(prompts.count == rows, "one prompt per row")
    let table = CaptionTable(captions: try prompts.map(CaptionVocabulary.encode))
    let labels = (0..<(rows * cols)).map { CaptionTable.label(ofCaption: $0 / cols) }
    return try? generator.generate(model: model, schedule: schedule, labels: labels, captions: table, isCancelled: isCancelled)
  }
}
