import DTRMetrics
import XCTest

final class PairedDifferenceTests: XCTestCase {
  /// Against values computed by hand (and scipy.stats.t.ppf(0.975, df)).
  func testMeanStdAndTIntervalMatchTheFormula() {
    let s = SampleSummary([1, 2, 3, 4])
    XCTAssertEqual(s.mean, 2.5)
    XCTAssertEqual(s.std, (5.0 / 3).squareRoot(), accuracy: 1e-12)
    XCTAssertEqual(s.high! - s.mean, 3.182 * (5.0 / 3).squareRoot() / 2, accuracy: 1e-12)
    XCTAssertEqual(SampleSummary.tQuantile975(degreesOfFreedom: 1), 12.706)
    XCTAssertEqual(SampleSummary.tQuantile975(degreesOfFreedom: 22), 2.086, "between rows: the lower row")
    XCTAssertEqual(SampleSummary.tQuantile975(degreesOfFreedom: 1000), 1.960)
    XCTAssertNil(SampleSummary([5]).low)
  }

  func testPairedDifferencesRemoveTheSharedSeedEffect() {
    // Seeds move both arms together; the arm effect is a constant −1 ± 0.1.
    let base = [30.0, 40, 50], arm = [29.0, 38.9, 49.1]
    let d = SampleSummary.paired(arm, minus: base)
    XCTAssertEqual(d.mean, -1, accuracy: 1e-12)
    XCTAssertEqual(d.excludesZero, true)
    XCTAssertEqual(SampleSummary(arm).low! < SampleSummary(base).high!, true, "unpaired intervals overlap")
    XCTAssertEqual(SampleSummary.paired([1, -1, 1], minus: [0, 0, 0]).excludesZero, false)
  }
}
