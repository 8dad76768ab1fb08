import DTRMetrics
import XCTest

final class InceptionScoreTests: XCTestCase {
  func testUniformPredictionsScoreOne() {
    let score = InceptionScore(logits: FeatureMatrix(rows: 1000, columns: 10, values: [Double](repeating: 0, count: 10_000)))
    XCTAssertEqual(score.mean, 1, accuracy: 1e-12)
    XCTAssertEqual(score.std, 0, accuracy: 1e-12)
  }

  /// Confident predictions balanced over C classes in every split score C.
  func testConfidentBalancedPredictionsScoreClassCount() {
    var logits = [Double](repeating: -50, count: 10_000)
    for i in 0..<1000 { logits[i * 10 + i % 10] = 50 }
    let score = InceptionScore(logits: FeatureMatrix(rows: 1000, columns: 10, values: logits))
    XCTAssertEqual(score.mean, 10, accuracy: 1e-9)
  }

  /// 1003 rows (splits of 100 and 101 rows), float32 logits, against fid_ref.inception_score.
  func testMatchesReferenceScriptAndGoldenValues() throws {
    let raw = Fixtures.normals(10_030, seed: 51).enumerated().map { Float(3 * $0.element + ($0.offset % 10 == ($0.offset / 10) % 10 ? 2 : 0)) }
    let logits = FeatureMatrix(rows: 1003, columns: 10, values: raw)
    let score = InceptionScore(logits: logits)
    XCTAssertEqual(score.splitScores.count, 10)
    let live = try ReferenceOracle.evaluate("""
      m, s = R.inception_score(A['logits'], splits=10)
      out.update(mean=m, std=s)
      """, arrays: ["logits": logits])
    assertGolden(score.mean, literal: 3.9521723541477911, live: live?["mean"], tolerance: 1e-12, "IS mean")
    assertGolden(score.std, literal: 0.12428291337711254, live: live?["std"], tolerance: 1e-10, "IS std")
  }
}
