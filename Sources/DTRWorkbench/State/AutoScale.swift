/// A y range that follows the data without jumping: it grows at once to take in new extremes, and
/// shrinks only when the data fills less than half of it (then it fits the data again).
public struct AutoScale: Sendable, Equatable {
  /// The range in use (nil before any data).
  public private(set) var range: ClosedRange<Double>?

  /// A scale with no range yet.
  public init() {}

  /// Updates the range for data spanning `lo…hi` and returns it.
  @discardableResult
  public mutating func update(lo: Double, hi: Double) -> ClosedRange<Double> {
    let span = hi - lo
    let margin = span > 0 ? span * 0.05 : max(abs(hi) * 0.05, 1e-6)
    let target = (lo - margin)...(hi + margin)
    guard let cur = range else {
      range = target
      return target
    }
    var next = cur
    if lo < cur.lowerBound || hi > cur.upperBound {
      next = min(cur.lowerBound, target.lowerBound)...max(cur.upperBound, target.upperBound)
    } else if span < 0.5 * (cur.upperBound - cur.lowerBound) {
      next = target
    }
    range = next
    return next
  }
}
