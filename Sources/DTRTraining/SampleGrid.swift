import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels

/// Class-conditional sample grids: row r holds class r (or unconditional draws), from fixed noise.
public enum SampleGrid {
  /// The label of every cell of a `rows × cols` grid: the row's class (wrapping), or the null label.
  static func labels(rows: Int, cols: Int, config: ModelConfig) -> [Int] {
    (0..<(rows * cols)).map { config.conditional ? ($0 / cols) % config.numClasses : config.nullClass }
  }

  /// Samples `rows × cols` images with `model` in one batch (``SampleGenerator``); returns
  /// `[rows·cols, 1, 28, 28]` in [−1, 1], or nil when `isCancelled` answered true before a sampling step.
  public static func generate(
    model: any DenoisingNetwork, schedule: NoiseSchedule, sampler: Sampler, rows: Int, cols: Int, cfgScale: Double,
    seed: UInt64, isCancelled: (() -> Bool)? = nil
  ) -> Tensor? {
    let generator = SampleGenerator(sampler: sampler, cfgScale: cfgScale, seed: seed, batch: rows * cols)
    let labels = labels(rows: rows, cols: cols, config: model.config)
    return try? generator.generate(model: model, schedule: schedule, labels: labels, isCancelled: isCancelled)
  }
}
