import DTRData
import DTRDiffusion
import DTREngine
import DTRMetrics
import DTRModels
import Foundation

/// The caption scores of a captioned model on a fixed, seeded set of caption layouts (half seen in
/// training, half with a held-out pair, ``CaptionEvaluation/layouts(count:seed:dataset:)``), sampled from
/// the **same initial noises on every call**: what `dtr eval --task captions` reports, what a captions run
/// measures at its evaluation steps, and what `dtr experiment` scores each captions cell with. Every arm
/// and step sees the same layouts and noises, so differences between them are paired.
public final class CaptionProbe: @unchecked Sendable {
  /// One measurement.
  public struct Result: Sendable, Equatable {
    /// The scores of the seen, held-out and all layouts.
    public let scores: CaptionScores
    /// Wall-clock seconds for sampling and scoring.
    public let seconds: Double
  }

  /// The scorer (its evaluator, crop-FID reference and flip templates).
  public let scorer: CaptionScorer
  /// The layouts whose captions are sampled, the same on every call.
  public let layouts: [CanvasLayout]
  /// How the canvases are drawn (sampler, guidance scale, fixed seed, batch).
  public let generator: SampleGenerator

  /// A probe of `samples` layouts drawn with `seed`, each sampled once with `sampler` at guidance
  /// `cfgScale` from the initial noise of `seed`, in batches of `batch`; the scorer's reference comes
  /// from the Fashion-MNIST files in `dataDirectory`.
  public init(evaluator: Evaluator, dataDirectory: String, samples: Int, sampler: Sampler, cfgScale: Double,
              seed: UInt64 = FIDProbe.defaultSeed, batch: Int = 100) throws {
    guard samples >= 2 else { throw EvaluatorError("the caption probe needs at least 2 captions, got \(samples)") }
    scorer = try CaptionScorer(evaluator: evaluator, dataDirectory: dataDirectory)
    layouts = CaptionEvaluation.layouts(count: samples, seed: seed, dataset: scorer.reference)
    generator = SampleGenerator(sampler: sampler, cfgScale: cfgScale, seed: seed, batch: batch)
  }

  /// `crop FID-200` for 200 captions: the caption count belongs to the name, as for ``FIDProbe/name``.
  public var name: String { "crop " + MetricSuite.fidName(samples: layouts.count) }

  /// Samples one canvas per layout from `model` (use the EMA weights) and scores them;
  /// `progress(done, total, phase)` is called from this thread. Throws `CancellationError` once
  /// `isCancelled` answers true (asked before every sampling step).
  public func measure(model: any DenoisingNetwork, schedule: NoiseSchedule,
                      progress: ((Int, Int, FIDProbe.Phase) -> Void)? = nil, isCancelled: (() -> Bool)? = nil) throws -> Result {
    let started = Date()
    let images = try CaptionEvaluation.sample(model: model, schedule: schedule, layouts: layouts, generator: generator,
                                              progress: { done, total in progress?(done, total, .sampling) },
                                              isCancelled: isCancelled)
    progress?(0, 1, .metrics)
    let scores = try scorer.score(images: images, layouts: layouts)
    return Result(scores: scores, seconds: Date().timeIntervalSince(started))
  }
}
