import DTREngine
import DTRMetrics
import XCTest

final class FrechetDistanceTests: XCTestCase {
  private func diagonalStatistics(mean: [Double], variances: [Double]) -> FeatureStatistics {
    let d = mean.count
    var sigma = [Double](repeating: 0, count: d * d)
    for i in 0..<d { sigma[i * d + i] = variances[i] }
    return FeatureStatistics(count: 1000, mean: mean, covariance: sigma)
  }

  /// N(0, I₁₆) vs N(0.5·1, 1.5²·I₁₆): FID = ‖m‖² + d(1 − s)² = 8.
  func testClosedFormIsotropic() throws {
    let d = 16
    let fid = try FrechetDistance(diagonalStatistics(mean: Array(repeating: 0, count: d), variances: Array(repeating: 1, count: d)),
                                  diagonalStatistics(mean: Array(repeating: 0.5, count: d), variances: Array(repeating: 2.25, count: d)))
    XCTAssertEqual(fid.value, 8, accuracy: 1e-12)
  }

  /// Commuting (diagonal) covariances: FID = ‖Δμ‖² + Σ(√v₁ − √v₂)².
  func testClosedFormDiagonal() throws {
    var rng = SplitMix64(seed: 3)
    let d = 16
    let v1 = (0..<d).map { _ in 0.1 + 2.9 * rng.nextDouble() }, v2 = (0..<d).map { _ in 0.1 + 2.9 * rng.nextDouble() }
    let m1 = (0..<d).map { _ in rng.nextDouble() - 0.5 }, m2 = (0..<d).map { _ in rng.nextDouble() - 0.5 }
    var expected = 0.0
    for i in 0..<d {
      let dm = m1[i] - m2[i], ds = v1[i].squareRoot() - v2[i].squareRoot()
      expected += dm * dm + ds * ds
    }
    let fid = try FrechetDistance(diagonalStatistics(mean: m1, variances: v1), diagonalStatistics(mean: m2, variances: v2))
    XCTAssertEqual(fid.value, expected, accuracy: 1e-12 * expected)
  }

  /// Full-rank 2000×64 ReLU features against fid_ref.py (generated set first, as its driver does).
  func testMatchesReferenceOnFullRankFeatures() throws {
    let real = Fixtures.features(rows: 2000, columns: 64, seed: 1)
    let gen = Fixtures.features(rows: 2000, columns: 64, seed: 2, scale: 1.1, shift: 0.25)
    let fid = try FrechetDistance(FeatureStatistics(gen), FeatureStatistics(real))
    let live = try ReferenceOracle.evaluate("""
      m1, s1 = R.feature_stats(A['gen']); m2, s2 = R.feature_stats(A['real'])
      f, parts = R.fid_from_stats_sqrtm(m1, s1, m2, s2)
      out.update(parts, sqrtm=f, eigh=R.fid_from_stats_eigh(m1, s1, m2, s2))
      out['eigh_trace'] = R.trace_sqrt_product_eigh(s1, s2)[0]
      """, arrays: ["real": real, "gen": gen])
    assertGolden(fid.value, literal: 1.1335343402431803, live: live?["eigh"], tolerance: 1e-9, "FID (eigh)")
    assertGolden(fid.value, literal: 1.1335343402430524, live: live?["sqrtm"], tolerance: 1e-9, "FID (pytorch-fid sqrtm)")
    assertGolden(fid.meanTerm, literal: 0.34483743341917589, live: live?["mean_term"], tolerance: 1e-9, "‖Δμ‖²")
    assertGolden(fid.traceFirst, literal: 33.862786701661669, live: live?["trace_sigma1"], tolerance: 1e-9, "tr Σ_gen")
    assertGolden(fid.traceSecond, literal: 26.969619132519909, live: live?["trace_sigma2"], tolerance: 1e-9, "tr Σ_real")
    assertGolden(fid.traceSqrtProduct, literal: 30.021854463678789, live: live?["eigh_trace"], tolerance: 1e-9, "tr √(Σ_gen Σ_real)")
  }

  /// N = 100 < D = 128 with 10 dead dimensions: singular covariances, against fid_ref.py's eigh method.
  func testMatchesReferenceOnSingularCovariances() throws {
    func deadened(_ x: FeatureMatrix) -> FeatureMatrix {
      FeatureMatrix(rows: x.rows, columns: x.columns,
                    values: x.values.enumerated().map { $0.offset % x.columns < 10 ? 0 : $0.element })
    }
    let a = deadened(Fixtures.features(rows: 100, columns: 128, seed: 21))
    let b = deadened(Fixtures.features(rows: 100, columns: 128, seed: 22, shift: 0.25))
    let fid = try FrechetDistance(FeatureStatistics(a), FeatureStatistics(b))
    let live = try ReferenceOracle.evaluate("""
      m1, s1 = R.feature_stats(A['a']); m2, s2 = R.feature_stats(A['b'])
      out['eigh'] = R.fid_from_stats_eigh(m1, s1, m2, s2)
      """, arrays: ["a": a, "b": b])
    assertGolden(fid.value, literal: 24.50263969519736, live: live?["eigh"], tolerance: 1e-8, "singular FID (eigh)")
  }

  func testSetWithItselfIsZeroAndArgumentOrderIsIrrelevant() throws {
    let x = FeatureStatistics(Fixtures.features(rows: 3000, columns: 128, seed: 4))
    let y = FeatureStatistics(Fixtures.features(rows: 3000, columns: 128, seed: 5, shift: 0.3))
    XCTAssertLessThan(abs(try FrechetDistance(x, x).value), 1e-6)
    assertRelative(try FrechetDistance(x, y).value, try FrechetDistance(y, x).value, 1e-9, "FID symmetry")
  }

  func testRisesMonotonicallyWithFeatureNoise() throws {
    let real = Fixtures.features(rows: 3000, columns: 64, seed: 6)
    let reference = FeatureStatistics(real)
    let base = Fixtures.features(rows: 3000, columns: 64, seed: 7)
    let values = try [0.0, 0.05, 0.1, 0.2, 0.4, 0.8].map { sigma in
      try FrechetDistance(FeatureStatistics(Fixtures.perturbed(base, sigma: sigma, seed: 8)), reference).value
    }
    XCTAssertTrue(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "FID not increasing with noise: \(values)")
  }
}
