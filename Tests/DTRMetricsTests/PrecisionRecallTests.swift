import DTREngine
import DTRMetrics
import XCTest

final class PrecisionRecallTests: XCTestCase {
  func testMatchesReferenceScriptAndGoldenValues() throws {
    let real = Fixtures.features(rows: 1500, columns: 32, seed: 41)
    let gen = Fixtures.features(rows: 1400, columns: 32, seed: 42, scale: 1.2, shift: 0.3)
    let pr = PrecisionRecall(real: real, generated: gen)
    let radii = PrecisionRecall.kNearestRadiiSquared(real, k: 3)
    let live = try ReferenceOracle.evaluate("""
      p, r = R.precision_recall(A['real'], A['gen'], 3)
      rr = R.knn_radii_sq(A['real'], 3)
      out.update(precision=p, recall=r, radius0=float(rr[0]), radius_sum=float(rr.sum()))
      """, arrays: ["real": real, "gen": gen])
    // Memberships are counts: with the same conventions they agree exactly.
    assertGolden(pr.precision, literal: 0.5128571428571429, live: live?["precision"], tolerance: 0, "precision")
    assertGolden(pr.recall, literal: 0.97533333333333339, live: live?["recall"], tolerance: 0, "recall")
    assertGolden(radii[0], literal: 12.784397668982455, live: live?["radius0"], tolerance: 1e-9, "r₃² of row 0")
    assertGolden(radii.reduce(0, +), literal: 13873.636238693445, live: live?["radius_sum"], tolerance: 1e-9, "Σ r₃²")
  }

  func testIdenticalSetsHaveFullPrecisionAndRecall() {
    let x = Fixtures.features(rows: 1000, columns: 16, seed: 43)
    let pr = PrecisionRecall(real: x, generated: x)
    XCTAssertEqual(pr.precision, 1)
    XCTAssertEqual(pr.recall, 1)
  }

  /// Generated points on half of the real modes keep precision and roughly halve recall (the k = 3 balls
  /// do not tile the manifold, so even the same-distribution baseline is below 1).
  func testModeDroppingHalvesRecall() {
    let d = 8
    let centres = Fixtures.normals(10 * d, seed: 44).map { 5 * $0 }
    func clusters(_ n: Int, modes: Int, seed: UInt64) -> FeatureMatrix {
      var rng = SplitMix64(seed: seed)
      let noise = Fixtures.normals(n * d, seed: seed + 1)
      var values = [Double]()
      for i in 0..<n {
        let c = rng.nextInt(modes)
        for j in 0..<d { values.append(centres[c * d + j] + 0.5 * noise[i * d + j]) }
      }
      return FeatureMatrix(rows: n, columns: d, values: values)
    }
    let real = clusters(3000, modes: 10, seed: 100)
    let baseline = PrecisionRecall(real: real, generated: clusters(3000, modes: 10, seed: 200))
    let half = PrecisionRecall(real: real, generated: clusters(3000, modes: 5, seed: 300))
    XCTAssertEqual(half.precision, baseline.precision, accuracy: 0.03)
    XCTAssertEqual(half.recall / baseline.recall, 0.5, accuracy: 0.05)
  }
}
