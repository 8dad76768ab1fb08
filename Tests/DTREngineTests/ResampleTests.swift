import DTREngine
import DTRTestSupport
import XCTest

final class ResampleTests: XCTestCase {
  func testUpsampleValues() {
    let x = Tensor([1, 1, 2, 2], [1, 2, 3, 4])
    let out = Tensor([1, 1, 3, 4])
    UpsampleNearest2xOp.forward(x: x.data, planes: 1, height: 2, width: 2, outHeight: 3, outWidth: 4, out: out.data)
    XCTAssertEqual(out.toArray(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4])
  }

  func testAvgPoolCeilModeValues() {
    // 3×3 → 2×2: full window, half windows on the right/bottom edge, a single pixel in the corner.
    let x = Tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let out = Tensor([1, 1, 2, 2])
    AvgPool2xOp.forward(x: x.data, planes: 1, height: 3, width: 3, out: out.data)
    XCTAssertEqual(out.toArray(), [3, 4.5, 7.5, 9])
  }

  func testUpsampleGradients() {
    // 7 → 14 (even) and 4×3 → 7×5 (odd outputs, inverting a ceil-mode pool).
    for (h, w, oh, ow) in [(7, 7, 14, 14), (4, 3, 7, 5)] {
      let x = randomTensor([2, 3, h, w], seed: 1)
      let out = Tensor([2, 3, oh, ow]), dx = Tensor(x.shape)
      let report = GradientCheck.run(
        inputs: [x],
        forward: {
          UpsampleNearest2xOp.forward(x: x.data, planes: 6, height: h, width: w, outHeight: oh, outWidth: ow,
                                      out: out.data)
          return out
        },
        backward: { dOut in
          UpsampleNearest2xOp.backward(dOut: dOut.data, planes: 6, height: h, width: w, outHeight: oh, outWidth: ow,
                                       dx: dx.data)
          return [dx]
        })
      XCTAssertTrue(report.passed, "\(h)×\(w) → \(oh)×\(ow): \(report)")
    }
  }

  func testAvgPoolGradients() {
    // 14 → 7 (even) and 7×5 → 4×3 (odd, ceil mode).
    for (h, w) in [(14, 14), (7, 5)] {
      let x = randomTensor([2, 3, h, w], seed: 2)
      let out = Tensor([2, 3, AvgPool2xOp.outputSize(h), AvgPool2xOp.outputSize(w)]), dx = Tensor(x.shape)
      let report = GradientCheck.run(
        inputs: [x],
        forward: {
          AvgPool2xOp.forward(x: x.data, planes: 6, height: h, width: w, out: out.data)
          return out
        },
        backward: { dOut in
          AvgPool2xOp.backward(dOut: dOut.data, planes: 6, height: h, width: w, dx: dx.data)
          return [dx]
        })
      XCTAssertTrue(report.passed, "\(h)×\(w): \(report)")
    }
  }
}
