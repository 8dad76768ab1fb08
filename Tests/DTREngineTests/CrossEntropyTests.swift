import DTREngine
import DTRTestSupport
import XCTest

final class CrossEntropyTests: XCTestCase {
  func testMatchesHandComputation() {
    // Row 0: logits (1, 2, 3), label 2 → log(e¹+e²+e³) − 3 = 0.40760596.
    // Row 1: logits (1000, 1000, 1000) (overflows a naive exp), label 0 → log 3 = 1.09861229.
    let logits = Tensor([2, 3], [1, 2, 3, 1000, 1000, 1000])
    let labels: [Int32] = [2, 0]
    let probs = Tensor([2, 3]), d = Tensor([2, 3])
    let loss = CrossEntropyOp.forward(logits: logits.data, labels: labels, rows: 2, classes: 3, probs: probs.data)
    let expectedLoss: Double = (0.40760596 + 1.09861229) / 2
    XCTAssertEqual(Double(loss), expectedLoss, accuracy: 1e-5)
    CrossEntropyOp.backward(probs: probs.data, labels: labels, rows: 2, classes: 3, dLogits: d.data)
    let e: [Double] = [1, 2, 3].map { Foundation.exp($0) }
    let z = e[0] + e[1] + e[2], third: Double = 1 / 3
    let rows: [[Double]] = [[e[0] / z, e[1] / z, e[2] / z - 1], [third - 1, third, third]]
    let expected = rows.joined().map { $0 / 2 }
    for j in 0..<6 { XCTAssertEqual(Double(d[j]), expected[j], accuracy: 1e-6) }
  }

  func testGradientMatchesFiniteDifferences() {
    let (rows, classes) = (5, 7)
    let logits = randomTensor([rows, classes], seed: 1, std: 2)
    let labels: [Int32] = [0, 6, 3, 3, 1]
    let probs = Tensor([rows, classes]), loss = Tensor([1]), d = Tensor([rows, classes])
    let report = GradientCheck.run(
      inputs: [logits],
      forward: {
        loss[0] = CrossEntropyOp.forward(logits: logits.data, labels: labels, rows: rows, classes: classes,
                                         probs: probs.data)
        return loss
      },
      backward: { dLoss in
        CrossEntropyOp.backward(probs: probs.data, labels: labels, rows: rows, classes: classes, dLoss: dLoss[0],
                                dLogits: d.data)
        return [d]
      })
    XCTAssertTrue(report.passed, report.description)
  }
}
