import Foundation

/// The noise levels at which classifier-free guidance is applied: only where low < σ ≤ high, with
/// σ = √((1 − ᾱ_t)/ᾱ_t) the noise-to-signal ratio of timestep t (EDM's σ for data in [−1, 1]). Elsewhere a
/// sampler calls the model once, conditionally, instead of twice.
///
/// Kynkäänniemi et al. 2024 ("Applying Guidance in a Limited Interval Improves Sample and Distribution
/// Quality in Diffusion Models", arXiv 2404.07724) found guidance harmful at high noise (it pulls samples
/// towards a few modes) and unnecessary at low noise; on EDM2 they apply it for σ ∈ (0.28, 5.42]. On this
/// project's default model the interval keeps guidance's FID at two thirds of its model calls
/// (docs/performance.md, "Guidance in a limited interval").
public struct GuidanceInterval: Sendable, Equatable, CustomStringConvertible {
  /// Guidance applies where σ is above this …
  public var low: Double
  /// … and at most this.
  public var high: Double

  /// low < high, both ≥ 0 (high may be infinite).
  public init?(low: Double, high: Double) {
    guard low >= 0, high > low, low.isFinite else { return nil }
    self.low = low
    self.high = high
  }

  /// Guidance at every model call.
  public static let always = GuidanceInterval(low: 0, high: .infinity)!

  /// The interval of Kynkäänniemi et al. 2024 for EDM2: σ ∈ (0.28, 5.42].
  public static let kynkaanniemi = GuidanceInterval(low: 0.28, high: 5.42)!

  /// σ = √((1 − ᾱ)/ᾱ).
  public static func sigma(alphaBar: Double) -> Double { ((1 - alphaBar) / alphaBar).squareRoot() }

  /// Whether guidance applies at a timestep with cumulative ᾱ `alphaBar`.
  public func contains(alphaBar: Double) -> Bool {
    let s = Self.sigma(alphaBar: alphaBar)
    return s > low && s <= high
  }

  /// Parses `LO..HI` (e.g. `0.28..5.42`).
  public init?(parsing s: String) {
    let p = s.components(separatedBy: "..")
    guard p.count == 2, let lo = Double(p[0]), let hi = Double(p[1]) else { return nil }
    self.init(low: lo, high: hi)
  }

  /// `LO..HI`, as ``init(parsing:)`` reads it.
  public var description: String { "\(Self.format(low))..\(Self.format(high))" }

  private static func format(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
  }
}
