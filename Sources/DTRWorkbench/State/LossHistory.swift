/// A run's loss per step in bounded memory, fine for the latest steps and coarser further back, so the
/// chart has enough points at every zoom while a week-long run costs kilobytes.
///
/// Points live in levels: level 0 holds single steps, level L points of 2^L steps. A level holds between
/// ``pointsPerLevel`` and twice as many points; when it reaches twice, its oldest ``pointsPerLevel``
/// points are merged in pairs into the next level (count, sum, min, max, first and last combine exactly).
/// So the newest `pointsPerLevel`…`2·pointsPerLevel` steps are exact, any window of the latest W steps
/// has about `pointsPerLevel` points or more, and a run of N steps keeps at most
/// `2·pointsPerLevel·(log2(N / pointsPerLevel) + 1)` points (3,328 in 11 levels for 400k steps).
public struct LossHistory: Sendable, Equatable {
  /// The loss over a run of consecutive logged steps.
  public struct Point: Sendable, Equatable {
    /// First and last step covered, and how many steps were logged.
    public var firstStep, lastStep, count: Int
    /// Sum, smallest and largest loss, and the first and last loss logged.
    public var sum, min, max, first, last: Double

    /// One logged step.
    public init(step: Int, loss: Double) {
      (firstStep, lastStep, count) = (step, step, 1)
      (sum, min, max, first, last) = (loss, loss, loss, loss, loss)
    }

    /// Mean loss.
    public var mean: Double { sum / Double(count) }

    /// This point followed by `later`.
    func merged(with later: Point) -> Point {
      var p = self
      (p.lastStep, p.count, p.sum, p.last) = (later.lastStep, count + later.count, sum + later.sum, later.last)
      (p.min, p.max) = (Swift.min(min, later.min), Swift.max(max, later.max))
      return p
    }
  }

  /// Points per level before it is halved (at least 2).
  public let pointsPerLevel: Int
  /// `levels[L]`: points of 2^L steps, oldest first; each is older than every point of the levels below L.
  private var levels: [[Point]] = [[]]

  /// An empty history; the default keeps the latest 256–512 steps exact.
  public init(pointsPerLevel: Int = 256) {
    self.pointsPerLevel = Swift.max(2, pointsPerLevel)
  }

  /// All points, oldest first.
  public var points: [Point] { Array(levels.reversed().joined()) }
  /// How many points are held.
  public var pointCount: Int { levels.reduce(0) { $0 + $1.count } }
  /// How many levels are in use.
  public var levelCount: Int { levels.count }
  /// Whether no step was logged.
  public var isEmpty: Bool { pointCount == 0 }
  /// The newest step logged.
  public var lastStep: Int? { levels.first { !$0.isEmpty }?.last?.lastStep }
  /// The newest loss logged.
  public var latest: Double? { levels.first { !$0.isEmpty }?.last?.last }
  /// Steps logged (all of them, merged or not).
  public var stepCount: Int { levels.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

  /// Records the loss of `step` (newer than every step held).
  public mutating func append(step: Int, loss: Double) {
    levels[0].append(Point(step: step, loss: loss))
    var level = 0
    while levels[level].count >= 2 * pointsPerLevel {
      let oldest = levels[level][..<pointsPerLevel]
      let merged = stride(from: oldest.startIndex, to: oldest.endIndex, by: 2).map { oldest[$0].merged(with: oldest[$0 + 1]) }
      levels[level].removeFirst(pointsPerLevel)
      if level + 1 == levels.count { levels.append([]) }
      levels[level + 1] += merged
      level += 1
    }
  }

  /// Forgets every point with a step after `step` (a resume mark): a merged point that reaches past it
  /// goes whole, so nothing from after the mark is ever shown. The newest `pointsPerLevel` steps or more
  /// are single steps, so a mark that drops fewer steps than that cuts exactly.
  public mutating func drop(after step: Int) {
    for l in levels.indices {
      if let cut = levels[l].firstIndex(where: { $0.lastStep > step }) { levels[l].removeSubrange(cut...) }
    }
  }
}
