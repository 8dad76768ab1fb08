import DTRWorkbench
import XCTest

final class SmoothingTests: XCTestCase {
  func testDebiasedEMAMatchesHandComputedValues() {
    // w = 0.5: last = 0.5, 1.25, 2.125; divisors 0.5, 0.75, 0.875.
    let s = Smoothing.ema([1, 2, 3], weight: 0.5)
    XCTAssertEqual(s[0], 1, accuracy: 1e-12)
    XCTAssertEqual(s[1], 1.25 / 0.75, accuracy: 1e-12)
    XCTAssertEqual(s[2], 2.125 / 0.875, accuracy: 1e-12)
  }

  func testNonFinitePointsPassThroughAndAreNotCounted() {
    let s = Smoothing.ema([1, .nan, 3], weight: 0.5)
    XCTAssertEqual(s[0], 1, accuracy: 1e-12)
    XCTAssertTrue(s[1].isNaN)
    XCTAssertEqual(s[2], 1.75 / 0.75, accuracy: 1e-12)
  }

  func testWeightZeroAndConstantSeriesAreUnchanged() {
    XCTAssertEqual(Smoothing.ema([3, 1, 2], weight: 0), [3, 1, 2])
    XCTAssertEqual(Smoothing.ema([0.1, 0.1, 0.1], weight: 0.99), [0.1, 0.1, 0.1])
    XCTAssertEqual(Smoothing.ema([3, 1], weight: .nan), [3, 1])
  }

  func testAutoScaleGrowsAtOnceAndShrinksOnlyWithHysteresis() {
    let a = AutoScale().fitted(lo: 0, hi: 1)
    let r0 = a.range!
    XCTAssertEqual(r0.lowerBound, -0.05, accuracy: 1e-12)
    XCTAssertEqual(r0.upperBound, 1.05, accuracy: 1e-12)
    XCTAssertEqual(a.fitted(lo: 0.3, hi: 0.9), a, "data filling more than half: no change")
    let grown = a.fitted(lo: 0, hi: 2)
    XCTAssertGreaterThanOrEqual(grown.range!.upperBound, 2, "grows at once")
    let shrunk = grown.fitted(lo: 0.5, hi: 0.6).range!
    XCTAssertLessThan(shrunk.upperBound - shrunk.lowerBound, 0.2, "shrinks when data fills under half")
  }

  /// Fitting the same data twice gives the same scale (a frame that fits the stored scale again draws what
  /// the controller stored), also right after growing past data that then fills under half of the range.
  func testAutoScaleFittingIsIdempotent() {
    let a = AutoScale().fitted(lo: 0, hi: 10)
    for (lo, hi) in [(11.0, 12.0), (0.0, 10.0), (3.0, 4.0), (5.0, 5.0), (-1.0, 30.0)] {
      let once = a.fitted(lo: lo, hi: hi)
      XCTAssertEqual(once.fitted(lo: lo, hi: hi), once, "\(lo)…\(hi)")
    }
  }
}
