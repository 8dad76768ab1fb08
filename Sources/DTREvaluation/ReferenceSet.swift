import DTRData
import DTRMetrics
import Foundation

/// The evaluator's view of the Fashion-MNIST test split: features and logits of all 10 000 images (for
/// KID, precision/recall and the IS ceiling) and the cached float64 μ, Σ (for FID).
public struct ReferenceSet: Sendable {
  /// Features `[10000, D]` of the test images.
  public let features: FeatureMatrix
  /// Logits `[10000, C]` of the test images.
  public let logits: FeatureMatrix
  /// μ, Σ of ``features`` as cached beside the weights.
  public let statistics: FeatureStatistics
  /// Wall-clock seconds spent computing the features.
  public let seconds: Double

  /// Runs `evaluator` over the test split in `dataDirectory`; statistics come from `statistics`.
  init(evaluator: Evaluator, dataDirectory: String, statistics: FeatureStatistics) throws {
    let test = try FashionMNIST.load(split: .test, directory: dataDirectory)
    let started = Date()
    (features, logits) = evaluator.features(dataset: test)
    seconds = Date().timeIntervalSince(started)
    self.statistics = statistics
  }
}
