import Foundation

/// Mean, spread and a 95% Student-t interval of a small sample, and of paired differences: how
/// `dtr experiment` reports arms over seeds.
///
/// The interval is `mean ± t(0.975, n−1)·sd/√n`; for paired differences (arm minus baseline, same seed)
/// it is the paired t-interval. It needs n ≥ 2; with n = 1 there is no interval.
public struct SampleSummary: Sendable, Equatable, Codable {
  /// Values summarised.
  public let n: Int
  /// Mean.
  public let mean: Double
  /// Sample standard deviation (n − 1 in the denominator); 0 for n = 1.
  public let std: Double
  /// The 95% interval of the mean, nil for n < 2.
  public let low: Double?, high: Double?

  /// Summarises `values` (at least one).
  public init(_ values: [Double]) {
    precondition(!values.isEmpty, "no values to summarise")
    let count = values.count, m = values.reduce(0, +) / Double(count)
    (n, mean) = (count, m)
    std = count > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(count - 1)).squareRoot() : 0
    if n > 1 {
      let half = Self.tQuantile975(degreesOfFreedom: n - 1) * std / Double(n).squareRoot()
      (low, high) = (mean - half, mean + half)
    } else {
      (low, high) = (nil, nil)
    }
  }

  /// The paired differences `a[i] − b[i]` summarised.
  public static func paired(_ a: [Double], minus b: [Double]) -> SampleSummary {
    precondition(a.count == b.count, "paired samples must have equal length")
    return SampleSummary(zip(a, b).map { $0 - $1 })
  }

  /// Whether the 95% interval excludes 0 (a difference the data supports), nil without an interval.
  public var excludesZero: Bool? {
    guard let low, let high else { return nil }
    return low > 0 || high < 0
  }

  /// The 0.975 quantile of Student's t distribution (two-sided 95%), from the standard table (exact to
  /// the 3 decimals printed there; between listed degrees of freedom the next lower row, which is
  /// conservative).
  public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
    precondition(df >= 1)
    let table: [(Int, Double)] = [
      (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365), (8, 2.306), (9, 2.262),
      (10, 2.228), (11, 2.201), (12, 2.179), (13, 2.160), (14, 2.145), (15, 2.131), (16, 2.120), (17, 2.110),
      (18, 2.101), (19, 2.093), (20, 2.086), (25, 2.060), (30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980),
    ]
    return table.last { $0.0 <= df }.map { df > 120 ? 1.960 : $0.1 } ?? 12.706
  }
}
