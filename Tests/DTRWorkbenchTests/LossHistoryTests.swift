import DTRWorkbench
import XCTest

/// The loss chart's bounded history: exact where it is fine, exact sums and extremes where it merges.
final class LossHistoryTests: XCTestCase {
  func testAShortRunIsKeptStepByStep() {
    var h = LossHistory(pointsPerLevel: 8)
    for s in 1...15 { h.append(step: s, loss: Double(s)) }
    XCTAssertEqual(h.points.map(\.firstStep), Array(1...15))
    XCTAssertEqual(h.points.map(\.mean), (1...15).map(Double.init))
    XCTAssertEqual(h.levelCount, 1)
    XCTAssertEqual(h.latest, 15)
    XCTAssertEqual(h.lastStep, 15)
  }

  /// A long run: every step is counted once, sums, extremes, first and last values survive the merges,
  /// points cover consecutive steps, the newest are single steps, and the size stays within its bound.
  func testMergedPointsKeepCountsSumsAndExtremesWithinTheBound() {
    let k = 16, n = 100_000
    var h = LossHistory(pointsPerLevel: k)
    var total = 0.0, lo = Double.infinity, hi = -Double.infinity
    func loss(_ s: Int) -> Double { 1 / Double(s) + Double((s * 7919) % 101) / 1000 }
    for s in 1...n {
      let loss = loss(s)
      h.append(step: s, loss: loss)
      (total, lo, hi) = (total + loss, min(lo, loss), max(hi, loss))
    }
    let points = h.points
    XCTAssertEqual(h.stepCount, n)
    XCTAssertEqual(points.map(\.count).reduce(0, +), n)
    XCTAssertEqual(points.map(\.sum).reduce(0, +), total, accuracy: 1e-9 * total)
    XCTAssertEqual(points.map(\.min).min(), lo)
    XCTAssertEqual(points.map(\.max).max(), hi)
    XCTAssertEqual(points.first?.first, loss(1))
    XCTAssertEqual(points.last?.last, loss(n))
    XCTAssertEqual(points.first?.firstStep, 1)
    XCTAssertEqual(points.last?.lastStep, n)
    for (a, b) in zip(points, points.dropFirst()) { XCTAssertEqual(b.firstStep, a.lastStep + 1) }
    for p in points { XCTAssertEqual(p.count, p.lastStep - p.firstStep + 1) }
    XCTAssertTrue(points.suffix(k).allSatisfy { $0.count == 1 }, "the newest steps are exact")
    let levels = Int(log2(Double(n / k))) + 1
    XCTAssertLessThanOrEqual(h.levelCount, levels, "levels grow with log n")
    XCTAssertLessThanOrEqual(points.count, 2 * k * levels)
  }

  /// A resume mark cuts exactly within the single steps; a merged point reaching past it goes whole.
  func testDropAfterAResumeMark() {
    var h = LossHistory(pointsPerLevel: 4)
    for s in 1...20 { h.append(step: s, loss: 1) }
    h.drop(after: 17)
    XCTAssertEqual(h.lastStep, 17)
    XCTAssertEqual(h.stepCount, 17)
    for s in 18...19 { h.append(step: s, loss: 0.5) }
    XCTAssertEqual(h.stepCount, 19)
    XCTAssertEqual(h.latest, 0.5)
    let coarse = h.points.last { $0.count > 2 }!
    h.drop(after: coarse.firstStep)
    XCTAssertEqual(h.lastStep, coarse.firstStep - 1, "the merged point reaching past the mark is gone")
  }

  /// Smoothing a merged point counts each step it stands for: k equal steps smooth like one point of k.
  func testMergedPointsSmoothLikeTheStepsTheyMerge() {
    let steps: [Double] = [4, 2, 2, 2, 2, 1]
    let raw = Smoothing.ema(steps, weight: 0.9)
    let merged = Smoothing.ema([4, 2, 1], counts: [1, 4, 1], weight: 0.9)
    XCTAssertEqual(merged[0], raw[0], accuracy: 1e-12)
    XCTAssertEqual(merged[1], raw[4], accuracy: 1e-12)
    XCTAssertEqual(merged[2], raw[5], accuracy: 1e-12)
    XCTAssertEqual(Smoothing.ema(steps, counts: Array(repeating: 1, count: 6), weight: 0.9), raw)
  }
}
