/// The full protocol's metrics on given features: FID, KID (100 subsets of min(1000, N)), improved
/// precision/recall (k = 3) and, when logits are given, the Inception-style score (10 splits).
public enum MetricSuite {
  /// KID subsets (torch-fidelity / clean-fid default).
  public static let kidSubsets = 100
  /// KID subset size before capping at the set sizes.
  public static let kidSubsetSize = 1000
  /// Neighbourhood size of precision/recall.
  public static let neighbours = 3
  /// IS splits.
  public static let inceptionSplits = 10

  /// All metrics of `generated` against `real`. `realStatistics` may pass cached μ, Σ of `real` (they
  /// are computed otherwise); IS needs `generatedLogits`. Throws on a dimension mismatch, on too few
  /// rows, or if the eigensolver fails.
  public static func report(
    real: FeatureMatrix, generated: FeatureMatrix, generatedLogits: FeatureMatrix? = nil,
    realStatistics: FeatureStatistics? = nil, evaluatorTag: String, seed: UInt64 = 0
  ) throws -> MetricReport {
    guard real.columns == generated.columns else {
      throw MetricError("feature dimensions differ: real \(real.columns), generated \(generated.columns)")
    }
    let minimum = max(neighbours + 1, 2)
    guard real.rows >= minimum, generated.rows >= minimum else {
      throw MetricError("need at least \(minimum) rows per feature set (real \(real.rows), generated \(generated.rows))")
    }
    if let logits = generatedLogits {
      guard logits.rows == generated.rows else {
        throw MetricError("\(logits.rows) logit rows for \(generated.rows) generated feature rows")
      }
      guard logits.rows >= inceptionSplits else {
        throw MetricError("IS needs at least \(inceptionSplits) rows of logits, got \(logits.rows)")
      }
    }
    let fid = try FrechetDistance(FeatureStatistics(generated), realStatistics ?? FeatureStatistics(real))
    let kid = KernelInceptionDistance(real: real, generated: generated, subsetCount: kidSubsets,
                                      subsetSize: kidSubsetSize, seed: seed)
    let pr = PrecisionRecall(real: real, generated: generated, k: neighbours)
    let inception = generatedLogits.map { InceptionScore(logits: $0, splits: inceptionSplits) }
    return MetricReport(fid: fid, kid: kid, precisionRecall: pr, inceptionScore: inception,
                        evaluatorTag: evaluatorTag, sampleCount: generated.rows)
  }
}

extension MetricSuite {
  /// The FID's name with its sample count: `FID-10k`, `FID-2k`, or `FID-500` for counts that are not
  /// whole thousands. FIDs of different sample counts must never be compared.
  public static func fidName(samples: Int) -> String {
    samples % 1000 == 0 ? "FID-\(samples / 1000)k" : "FID-\(samples)"
  }
}
