import DTRMetrics
import XCTest

final class KernelInceptionDistanceTests: XCTestCase {
  private let real = Fixtures.features(rows: 600, columns: 32, seed: 31)
  private let gen = Fixtures.features(rows: 500, columns: 32, seed: 32, scale: 1.1, shift: 0.25)

  /// fid_ref.kid itself, fed numpy's own subset indices (RandomState(0).choice, real then generated).
  func testMatchesReferenceWithNumpySubsets() throws {
    guard let live = try ReferenceOracle.evaluate("""
      n1, n2 = len(A['real']), len(A['gen'])
      rng = np.random.RandomState(0)
      idx = [(rng.choice(n1, 300, replace=False).tolist(), rng.choice(n2, 300, replace=False).tolist()) for _ in range(8)]
      m, s, size = R.kid(A['real'], A['gen'], subsets=8, subset_size=300, seed=0)
      out.update(idx=idx, mean=m, std=s, size=size)
      """, arrays: ["real": real, "gen": gen]),
      let idx = live["idx"] as? [[[Int]]], let mean = live["mean"] as? Double, let std = live["std"] as? Double
    else { throw XCTSkip("fid_ref.py not available; the committed-golden test covers KID") }
    let kid = KernelInceptionDistance(real: real, generated: gen, subsets: idx.map { KIDSubset(real: $0[0], generated: $0[1]) })
    XCTAssertEqual(kid.subsetSize, live["size"] as? Int)
    assertRelative(kid.mean, mean, 1e-9, "KID mean")
    assertRelative(kid.std, std, 1e-9, "KID std")
  }

  /// The default SplitMix64 draw, against fid_ref's mmd2_unbiased / polynomial_kernel on the same rows.
  func testDefaultSubsetsMatchReferenceKernelAndMMD() throws {
    let kid = KernelInceptionDistance(real: real, generated: gen, subsetCount: 5, subsetSize: 1000, seed: 7)
    XCTAssertEqual(kid.subsetSize, 500, "subset size is min(requested, N_real, N_generated)")
    let subsets = KernelInceptionDistance.randomSubsets(realCount: 600, generatedCount: 500, count: 5, size: 500, seed: 7)
    for s in subsets {
      XCTAssertEqual(Set(s.real).count, 500, "drawn with replacement")
      XCTAssertEqual(Set(s.generated).count, 500)
    }
    let indices = FeatureMatrix(rows: 10, columns: 500, values: subsets.flatMap { $0.real.map(Double.init) + $0.generated.map(Double.init) })
    let live = try ReferenceOracle.evaluate("""
      ix = A['ix'].astype(np.int64)
      vals = []
      for s in range(5):
        x, y = A['real'][ix[2 * s]], A['gen'][ix[2 * s + 1]]
        vals.append(R.mmd2_unbiased(R.polynomial_kernel(x, x), R.polynomial_kernel(x, y), R.polynomial_kernel(y, y)))
      out.update(mean=float(np.mean(vals)), std=float(np.std(vals)))
      """, arrays: ["real": real, "gen": gen, "ix": indices])
    assertGolden(kid.mean, literal: 0.045843952818711578, live: live?["mean"], tolerance: 1e-9, "KID mean")
    assertGolden(kid.std, literal: 0.0025734202571917886, live: live?["std"], tolerance: 1e-9, "KID std")
  }

  func testSameDistributionIsNearZeroAndShiftedIsPositive() {
    let a = Fixtures.features(rows: 1500, columns: 32, seed: 33)
    let b = Fixtures.features(rows: 1500, columns: 32, seed: 34)
    let same = KernelInceptionDistance(real: a, generated: b, subsetCount: 10, subsetSize: 500)
    XCTAssertLessThan(abs(same.mean), 3 * same.std + 1e-4, "same distribution: \(same.mean) ± \(same.std)")
    let shifted = KernelInceptionDistance(real: a, generated: Fixtures.features(rows: 1500, columns: 32, seed: 35, shift: 0.4),
                                          subsetCount: 10, subsetSize: 500)
    XCTAssertGreaterThan(shifted.mean, 5 * shifted.std, "shifted: \(shifted.mean) ± \(shifted.std)")
  }
}
