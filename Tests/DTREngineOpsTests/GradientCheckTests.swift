import DTREngine
import DTRTestSupport
import XCTest

final class GradientCheckTests: XCTestCase {
  /// y = x², checked with a correct and a deliberately wrong backward, on a large input (subsampled).
  func testDetectsWrongGradientsAndRestoresInputs() {
    let x = randomTensor([1000], seed: 1)
    let original = x.toArray()
    let y = Tensor([1000]), dx = Tensor([1000])
    func check(factor: Float) -> GradientCheck.Report {
      GradientCheck.run(
        inputs: [x],
        forward: {
          for i in 0..<1000 { y[i] = x[i] * x[i] }
          return y
        },
        backward: { dy in
          for i in 0..<1000 { dx[i] = factor * 2 * x[i] * dy[i] }
          return [dx]
        })
    }
    let good = check(factor: 1)
    XCTAssertTrue(good.passed, good.description)
    XCTAssertEqual(good.checked, 200)
    let bad = check(factor: 1.1)
    XCTAssertFalse(bad.passed)
    XCTAssertEqual(bad.mismatches.first?.input, 0)
    XCTAssertEqual(x.toArray(), original)
  }
}
