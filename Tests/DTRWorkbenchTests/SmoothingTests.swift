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
    var a = AutoScale()
    let r0 = a.update(lo: 0, hi: 1)
    XCTAssertEqual(r0.lowerBound, -0.05, accuracy: 1e-12)
    XCTAssertEqual(r0.upperBound, 1.05, accuracy: 1e-12)
    XCTAssertEqual(a.update(lo: 0.3, hi: 0.9), r0, "data filling more than half: no change")
    XCTAssertGreaterThanOrEqual(a.update(lo: 0, hi: 2).upperBound, 2, "grows at once")
    let shrunk = a.update(lo: 0.5, hi: 0.6)
    XCTAssertLessThan(shrunk.upperBound - shrunk.lowerBound, 0.2, "shrinks when data fills under half")
  }
}
