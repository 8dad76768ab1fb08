/// A y range that follows the data without jumping: it grows at once to take in new extremes, and
/// shrinks only when the data fills less than half of it (then it fits the data again).
public struct AutoScale: Sendable, Equatable {
  /// The range in use (nil before any data).
  public private(set) var range: ClosedRange<Double>?

  /// A scale with no range yet.
  public init() {}

  /// The scale after seeing data spanning `lo…hi`. Fitting the same data again changes nothing, so a
  /// frame may fit the stored scale once more and draw exactly what the controller stored.
  public func fitted(lo: Double, hi: Double) -> AutoScale {
    let span = hi - lo
    let margin = span > 0 ? span * 0.05 : max(abs(hi) * 0.05, 1e-6)
    let target = (lo - margin)...(hi + margin)
    var next = range ?? target
    if lo < next.lowerBound || hi > next.upperBound {
      next = min(next.lowerBound, target.lowerBound)...max(next.upperBound, target.upperBound)
    }
    if span < 0.5 * (next.upperBound - next.lowerBound) { next = target }
    var s = self
    s.range = next
    return s
  }
}
