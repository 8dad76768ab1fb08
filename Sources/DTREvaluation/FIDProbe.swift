import DTRDiffusion
import DTREngine
import DTRMetrics
import DTRModels
import Foundation

/// The cheap metric to follow during training: "FID-2k" and KID of a fixed budget of samples against the
/// 10 000 test images, from the **same initial noise and labels on every call** (common random numbers,
/// so changes between evaluations reflect the model, not the draw), with a fixed sampler (DPM-Solver++(2M)
/// with 10 model calls by default; the trainer probes unguided unless told otherwise). Pass the EMA weights.
///
/// The sample count is part of the metric's name (``name``, e.g. `FID-2k`): FID is biased upwards at
/// small N, so FID-2k must never be compared with the final FID-10k of `dtr eval`. KID is unbiased and
/// is the better small-N signal (100 subsets of min(1000, N)).
public final class FIDProbe: @unchecked Sendable {
  /// What the probe is doing, for progress displays.
  public enum Phase: String, Sendable {
    /// Generating samples (progress counts model steps).
    case sampling
    /// Running the evaluator on the samples (reported once, 0 of 1).
    case features
    /// Computing FID and KID (reported once, 0 of 1).
    case metrics
  }

  /// One probe measurement.
  public struct Result: Sendable, Equatable {
    /// The metric's name with its sample count, e.g. `FID-2k`.
    public let name: String
    /// FID of the samples against the test set (FID-2k for 2000 samples).
    public let fid: Double
    /// KID mean over subsets.
    public let kid: Double
    /// KID standard deviation over subsets.
    public let kidStd: Double
    /// Wall-clock seconds for sampling and scoring.
    public let seconds: Double
    /// Number of samples.
    public let samples: Int
    /// The evaluator's tag.
    public let evaluator: String
  }

  /// Default sample budget.
  public static let defaultSamples = 2000
  /// Default sampler: DPM-Solver++(2M) with 10 model calls (docs/performance.md, "Sampling").
  public static let defaultSampler = Sampler(.dpmpp2m, steps: 10)
  /// Default guidance scale of the probe during training: unguided, so each image costs one model call
  /// per step instead of two.
  public static let defaultCfgScale = 1.0
  /// Default seed of the fixed initial noise.
  public static let defaultSeed: UInt64 = 0xF1D_2000

  /// The evaluator.
  public let evaluator: Evaluator
  /// The test-set reference.
  public let reference: ReferenceSet
  /// How the samples are drawn (sampler, guidance scale, fixed seed, batch).
  public let generator: SampleGenerator
  /// Samples per measurement.
  public let samples: Int

  /// A probe drawing `samples` images with `sampler` at guidance `cfgScale` from the initial noise of
  /// `seed`, in batches of `batch`. Computes (once) the test-set reference from `dataDirectory`.
  public init(evaluator: Evaluator, dataDirectory: String, samples: Int = defaultSamples,
              sampler: Sampler = defaultSampler, cfgScale: Double, seed: UInt64 = defaultSeed, batch: Int = 100) throws {
    guard samples >= 10 else { throw EvaluatorError("the FID probe needs at least 10 samples, got \(samples)") }
    self.evaluator = evaluator
    self.reference = try evaluator.referenceSet(dataDirectory: dataDirectory)
    self.generator = SampleGenerator(sampler: sampler, cfgScale: cfgScale, seed: seed, batch: batch)
    self.samples = samples
  }

  /// `FID-2k` for 2000 samples, `FID-500` for 500: the sample count belongs to the name.
  public var name: String { MetricSuite.fidName(samples: samples) }

  /// Samples from `model` (use the EMA weights) and scores them; `progress(done, total, phase)` is called
  /// from this thread. The model must produce 1×28×28 images. Throws `CancellationError` once
  /// `isCancelled` answers true (asked before every sampling step).
  public func measure(model: any DenoisingNetwork, schedule: NoiseSchedule,
                      progress: ((Int, Int, Phase) -> Void)? = nil, isCancelled: (() -> Bool)? = nil) throws -> Result {
    let c = model.config
    guard c.inChannels == 1 && c.inputSize == 28 else {
      throw EvaluatorError("the evaluator scores 1×28×28 images; this model makes \(c.inChannels)×\(c.inputSize)×\(c.inputSize)")
    }
    let started = Date()
    let images = try generator.generate(model: model, schedule: schedule, count: samples,
                                        progress: { done, total in progress?(done, total, .sampling) },
                                        isCancelled: isCancelled)
    progress?(0, 1, .features)
    let features = evaluator.features(images: images).features
    progress?(0, 1, .metrics)
    let fid = try FrechetDistance(FeatureStatistics(features), reference.statistics)
    let kid = KernelInceptionDistance(real: reference.features, generated: features,
                                      subsetCount: MetricSuite.kidSubsets, subsetSize: MetricSuite.kidSubsetSize)
    return Result(name: name, fid: fid.value, kid: kid.mean, kidStd: kid.std,
                  seconds: Date().timeIntervalSince(started), samples: samples, evaluator: evaluator.tag)
  }
}
