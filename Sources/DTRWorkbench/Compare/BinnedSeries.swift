/// Values over training steps in at most ``capacity`` bins of equal step width. Bin `k` holds the steps
/// `k·width ..< (k+1)·width`; when a point would make one bin too many, the width doubles and neighbouring
/// bins merge, so memory stays bounded however long the run. Widths are powers of two, so two series can
/// always be brought to the same bins (``points(width:)``) and averaged bin by bin.
public struct BinnedSeries: Sendable {
  /// One bin: sums of the steps and values that fell in it, and how many.
  struct Bin: Sendable {
    var index: Int, stepSum: Double, valueSum: Double, count: Int

    mutating func merge(_ other: Bin) {
      stepSum += other.stepSum
      valueSum += other.valueSum
      count += other.count
    }
  }

  /// Most bins kept.
  public let capacity: Int
  /// Steps per bin (a power of two).
  public private(set) var width = 1
  private var bins: [Bin] = []

  /// An empty series of at most `capacity` (≥ 2) bins.
  public init(capacity: Int = 2048) { self.capacity = max(2, capacity) }

  /// Adds a value at `step` (steps arrive in order; a non-finite value is skipped).
  public mutating func append(step: Int, value: Double) {
    guard value.isFinite else { return }
    let k = max(step, 0) / width
    if let last = bins.last, last.index >= k {
      bins[bins.count - 1].merge(Bin(index: last.index, stepSum: Double(step), valueSum: value, count: 1))
      return
    }
    bins.append(Bin(index: k, stepSum: Double(step), valueSum: value, count: 1))
    while bins.count > capacity {
      width *= 2
      bins = Self.merged(bins, factor: 2)
    }
  }

  /// Forgets the points after `step` (a resumed run trains them again): every bin that starts after it.
  /// The bin holding `step` cannot be split and keeps what it has.
  public mutating func drop(after step: Int) {
    bins.removeAll { $0.index > max(step, 0) / width }
  }

  /// The bins as (mean step, mean value, bin index), oldest first, on bins `width` steps wide (at least this
  /// series' own width; a smaller one gives the series' own bins).
  public func points(width: Int? = nil) -> [(step: Double, value: Double, bin: Int)] {
    let factor = max(1, (width ?? self.width) / self.width)
    return Self.merged(bins, factor: factor).map { ($0.stepSum / Double($0.count), $0.valueSum / Double($0.count), $0.index) }
  }

  /// Bins merged `factor` at a time by index.
  private static func merged(_ bins: [Bin], factor: Int) -> [Bin] {
    guard factor > 1 else { return bins }
    var out: [Bin] = []
    for b in bins {
      let k = b.index / factor
      if let last = out.last, last.index == k {
        out[out.count - 1].merge(b)
      } else {
        out.append(Bin(index: k, stepSum: b.stepSum, valueSum: b.valueSum, count: b.count))
      }
    }
    return out
  }
}
