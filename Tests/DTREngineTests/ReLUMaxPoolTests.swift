import DTREngine
import DTRTestSupport
import XCTest

final class ReLUMaxPoolTests: XCTestCase {
  func testReLUValuesInPlace() {
    let x = Tensor([5], [-2, -0.5, 0, 0.5, 3])
    ReLUOp.forward(x: x.data, count: 5, out: x.data)
    XCTAssertEqual(x.toArray(), [0, 0, 0, 0.5, 3])
  }

  func testReLUGradients() {
    // Inputs kept ≥ 0.05 away from the kink so that central differences (step 1e-2) never straddle it.
    let x = randomTensor([3, 37], seed: 4)
    for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] = x[i] < 0 ? -0.05 : 0.05 }
    let out = Tensor(x.shape), dx = Tensor(x.shape)
    let report = GradientCheck.run(
      inputs: [x],
      forward: {
        ReLUOp.forward(x: x.data, count: x.count, out: out.data)
        return out
      },
      backward: { dOut in
        ReLUOp.backward(dOut: dOut.data, y: out.data, count: x.count, dx: dx.data)
        return [dx]
      })
    XCTAssertTrue(report.passed, report.description)
  }

  func testReLUBackwardAccumulates() {
    let y = Tensor([3], [0, 1, 2]), dOut = Tensor([3], [5, 6, 7]), dx = Tensor([3], [1, 1, 1])
    ReLUOp.backward(dOut: dOut.data, y: y.data, count: 3, dx: dx.data, accumulate: true)
    XCTAssertEqual(dx.toArray(), [1, 7, 8])
  }

  func testMaxPoolValuesAndFirstMaximumWins() {
    let x = Tensor([1, 1, 2, 4], [1, 5, 2, 2,
                                  3, 4, 2, 2])
    let out = Tensor([1, 1, 1, 2])
    var indices = [Int32](repeating: -1, count: 2)
    MaxPool2xOp.forward(x: x.data, planes: 1, height: 2, width: 4, out: out.data, indices: &indices)
    XCTAssertEqual(out.toArray(), [5, 2])
    XCTAssertEqual(indices, [1, 2])  // ties resolve to the first pixel in row-major window order
  }

  func testMaxPoolGradients() {
    // A shuffled ramp in [−1, 1): distinct values at least 2/count apart, more than twice the step, so
    // no perturbation changes a winner (and pooling copies values, so the differences are exact).
    for (planes, h, w) in [(1, 28, 28), (6, 6, 4)] {
      let count = planes * h * w
      var rng = SplitMix64(seed: 7)
      let x = Tensor([1, planes, h, w], rng.permutation(count).map { Float(2 * $0) / Float(count) - 1 })
      let out = Tensor([1, planes, h / 2, w / 2]), dx = Tensor(x.shape)
      var indices = [Int32](repeating: 0, count: out.count)
      let report = GradientCheck.run(
        inputs: [x], options: .init(step: 5e-4, maxElementsPerInput: 1000),
        forward: {
          MaxPool2xOp.forward(x: x.data, planes: planes, height: h, width: w, out: out.data, indices: &indices)
          return out
        },
        backward: { dOut in
          MaxPool2xOp.backward(dOut: dOut.data, indices: indices, planes: planes, height: h, width: w, dx: dx.data)
          return [dx]
        })
      XCTAssertTrue(report.passed, "\(h)×\(w): \(report)")
    }
  }
}
