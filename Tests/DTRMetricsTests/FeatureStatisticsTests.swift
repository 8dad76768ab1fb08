import DTRMetrics
import Foundation
import XCTest

final class FeatureStatisticsTests: XCTestCase {
  /// Rows (1, 2), (3, 4), (5, 9): μ = (3, 5), Σ = [[4, 7], [7, 13]] with the 1/(N−1) normalisation.
  func testHandComputedUnbiasedCovariance() {
    let stats = FeatureStatistics(FeatureMatrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 9] as [Double]))
    XCTAssertEqual(stats.count, 3)
    XCTAssertEqual(stats.dimension, 2)
    XCTAssertEqual(stats.mean, [3, 5])
    XCTAssertEqual(stats.covariance, [4, 7, 7, 13])
    XCTAssertEqual(stats.covarianceTrace, 17)
  }

  /// Float32 features whose mean is 10⁴× their spread (un-centred post-ReLU features): the two-pass
  /// float64 covariance must equal that of the same features without the offset.
  func testCentredCovarianceSurvivesLargeOffsetInFloat32Input() {
    let x = Fixtures.features(rows: 5000, columns: 32, seed: 12)
    let offset: Float = 1000
    let narrow = x.values.map { Float($0) * 0.1 }
    let shifted = FeatureStatistics(FeatureMatrix(rows: x.rows, columns: x.columns, values: narrow.map { $0 + offset }))
    // The reference covariance is of the exact float32 values the shifted set holds, minus the offset.
    let exact = FeatureStatistics(FeatureMatrix(rows: x.rows, columns: x.columns,
                                                values: narrow.map { Double($0 + offset) - Double(offset) }))
    for (a, b) in zip(shifted.covariance, exact.covariance) {
      XCTAssertEqual(a, b, accuracy: 1e-9)
    }
    XCTAssertEqual(shifted.mean[0] - Double(offset), exact.mean[0], accuracy: 1e-9)
  }

  func testCovarianceIsExactlySymmetric() {
    let stats = FeatureStatistics(Fixtures.features(rows: 2000, columns: 64, seed: 1))
    XCTAssertEqual(stats.covariance.count, 64 * 64)
    for i in 0..<64 {
      for j in 0..<64 { XCTAssertEqual(stats.covariance[i * 64 + j], stats.covariance[j * 64 + i]) }
    }
  }

  func testMatchesReferenceStatistics() throws {
    let x = Fixtures.features(rows: 2000, columns: 64, seed: 1)
    let stats = FeatureStatistics(x)
    guard let live = try ReferenceOracle.evaluate("""
      mu, sigma = R.feature_stats(A['x'])
      out['mu'] = mu.tolist(); out['sigma'] = sigma.ravel().tolist()
      """, arrays: ["x": x]), let mu = live["mu"] as? [Double], let sigma = live["sigma"] as? [Double] else {
      throw XCTSkip("fid_ref.py with numpy/scipy is not available")
    }
    let muError = zip(stats.mean, mu).map { abs($0 - $1) }.max()!
    let sigmaScale = sigma.map(abs).max()!
    let sigmaError = zip(stats.covariance, sigma).map { abs($0 - $1) }.max()! / sigmaScale
    XCTAssertLessThan(muError, 1e-13)
    XCTAssertLessThan(sigmaError, 1e-13)
  }

  func testCodableRoundTrip() throws {
    let stats = FeatureStatistics(Fixtures.features(rows: 50, columns: 8, seed: 13))
    let decoded = try JSONDecoder().decode(FeatureStatistics.self, from: JSONEncoder().encode(stats))
    XCTAssertEqual(decoded, stats)
  }
}
