import DTRMetrics
import Foundation

/// An arm's results as the results tables write them (`results.md`, the workbench's comparison view), so
/// both say the same thing in the same words.
extension ExperimentResults.ArmSummary {
  /// `mean ± std` over seeds with `digits` decimals (just the mean for one seed), `–` before any.
  public static func text(_ s: SampleSummary?, digits: Int = 2) -> String {
    guard let s else { return "–" }
    return s.n > 1 ? String(format: "%.\(digits)f ± %.\(digits)f", s.mean, s.std) : String(format: "%.\(digits)f", s.mean)
  }

  /// The paired difference of final FID to the baseline with its 95% interval, `+1.23 [-0.50, +2.96]`
  /// (`+1.23 (one seed)` without an interval); nil before any seed is paired.
  public var fidDifferenceText: String? { Self.differenceText(fidDifference) }

  /// What the paired FID interval says: `better` or `worse` (it excludes 0), `no clear difference`, or
  /// `needs ≥ 2 seeds`; nil before any seed is paired.
  public var verdict: String? { Self.verdict(fidDifference, higherIsBetter: false) }

  /// A paired difference with its 95% interval in `digits` decimals, `+1.23 [-0.50, +2.96]` (`+1.23 (one
  /// seed)` without an interval); nil before any seed is paired.
  public static func differenceText(_ d: SampleSummary?, digits: Int = 2) -> String? {
    guard let d else { return nil }
    let v = "%+.\(digits)f"
    return d.low.map { String(format: "\(v) [\(v), \(v)]", d.mean, $0, d.high!) } ?? String(format: "\(v) (one seed)", d.mean)
  }

  /// What a paired interval says of a metric where `higherIsBetter` (or lower): `better` or `worse` (it
  /// excludes 0), `no clear difference`, or `needs ≥ 2 seeds`; nil before any seed is paired.
  public static func verdict(_ d: SampleSummary?, higherIsBetter: Bool) -> String? {
    guard let d else { return nil }
    switch d.excludesZero {
    case .some(true): return (d.mean > 0) == higherIsBetter ? "better" : "worse"
    case .some(false): return "no clear difference"
    case .none: return "needs ≥ 2 seeds"
    }
  }
}
