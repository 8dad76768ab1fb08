import DTREngine
import DTRTestSupport
import XCTest

final class GradientCheckTests: XCTestCase {
  /// y = x² + noise, where `noise` imitates another CPU's float32 rounding: a deterministic function of
  /// the input's bits, of absolute size `noise`.
  private func squareCheck(factor: Float = 1, wrongElement: Int? = nil, noise: Float = 0,
                           x: Tensor, options: GradientCheck.Options = .init()) -> GradientCheck.Report {
    let n = x.count
    let y = Tensor([n]), dx = Tensor([n])
    return GradientCheck.run(
      inputs: [x], options: options,
      forward: {
        for i in 0..<n {
          var bits = SplitMix64(seed: UInt64(x[i].bitPattern))
          let jitter = Float(bits.next() % 2001) / 1000 - 1
          y[i] = x[i] * x[i] + noise * jitter
        }
        return y
      },
      backward: { dy in
        for i in 0..<n { dx[i] = (i == wrongElement ? 1.05 : factor) * 2 * x[i] * dy[i] }
        return [dx]
      })
  }

  func testDetectsWrongGradientsAndRestoresInputs() {
    let x = randomTensor([1000], seed: 1)
    let original = x.toArray()
    let good = squareCheck(x: x)
    XCTAssertTrue(good.passed, good.description)
    XCTAssertEqual(good.checked, 200)
    XCTAssertEqual(good.unresolved, 0)
    let bad = squareCheck(factor: 1.1, x: x)
    XCTAssertFalse(bad.passed)
    XCTAssertEqual(bad.mismatches.first?.input, 0)
    XCTAssertEqual(x.toArray(), original)
  }

  /// A single element whose gradient is 5% off is a mismatch, not an unresolved element.
  func testOneWrongElementFails() {
    let x = randomTensor([50], seed: 2)
    for i in 0..<50 { x[i] = 0.5 + abs(x[i]) }
    let report = squareCheck(wrongElement: 17, x: x)
    XCTAssertFalse(report.passed)
    XCTAssertEqual(report.mismatches.map(\.element), [17], report.description)
  }

  /// Rounding noise that swamps the finite difference at some elements (as a deep float32 model does on
  /// one CPU and not another) makes those elements unresolved, never mismatches; a wrong gradient under
  /// the same noise still fails.
  func testRoundingNoiseIsUnresolvedButWrongGradientsStillFail() {
    let x = randomTensor([400], seed: 3)
    let options = GradientCheck.Options(maxElementsPerInput: 400, maxUnresolvedFraction: 0.5)
    let noisy = squareCheck(noise: 3e-5, x: x, options: options)
    XCTAssertTrue(noisy.mismatches.isEmpty, noisy.description)
    XCTAssertGreaterThan(noisy.unresolved, 0, "the injected noise should defeat some finite differences")
    XCTAssertTrue(noisy.passed, noisy.description)
    let wrong = squareCheck(factor: 1.1, noise: 3e-5, x: x, options: options)
    XCTAssertFalse(wrong.passed)
    XCTAssertGreaterThan(wrong.mismatches.count, 100, wrong.description)
  }

  /// An element within a step of a kink is unresolved; too many such elements fail the check.
  func testKinksAreExcludedWithACountAndBounded() {
    let n = 40
    let x = Tensor([n]), y = Tensor([n]), dx = Tensor([n])
    func check(kinks: Int) -> GradientCheck.Report {
      for i in 0..<n { x[i] = i < kinks ? 0.004 * (i % 2 == 0 ? 1 : -1) : 0.5 + Float(i) / 100 }
      return GradientCheck.run(
        inputs: [x], options: .init(maxUnresolvedFraction: 0.1),
        forward: {
          for i in 0..<n { y[i] = abs(x[i]) }
          return y
        },
        backward: { dy in
          for i in 0..<n { dx[i] = (x[i] >= 0 ? 1 : -1) * dy[i] }
          return [dx]
        })
    }
    let few = check(kinks: 2)
    XCTAssertTrue(few.passed, few.description)
    XCTAssertEqual(few.unresolved, 2, few.description)
    let many = check(kinks: 10)
    XCTAssertFalse(many.passed, "10 of 40 unresolved must exceed the 10% bound: \(many)")
    XCTAssertTrue(many.mismatches.isEmpty)
  }
}
