import DTREngine
import DTRTestSupport
import XCTest

final class GroupNormTests: XCTestCase {
  func testForwardNormalisesEachGroup() {
    let (n, c, plane, g) = (2, 6, 15, 3)
    let x = randomTensor([n, c, 3, 5], seed: 1, std: 3)
    let out = Tensor(x.shape), mean = Tensor([n * g]), rstd = Tensor([n * g])
    GroupNormOp.forward(x: x.data, batch: n, channels: c, plane: plane, groups: g, eps: 1e-5, out: out.data,
                        mean: mean.data, rstd: rstd.data)
    let length = c / g * plane
    for row in 0..<(n * g) {
      let values = (0..<length).map { Double(out[row * length + $0]) }
      let m = values.reduce(0, +) / Double(length)
      let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(length)
      XCTAssertEqual(m, 0, accuracy: 1e-5)
      XCTAssertEqual(v, 1, accuracy: 1e-3)
    }
  }

  func testGradientsMatchFiniteDifferencesAffineAndPlain() {
    // C = 6 with G = 3 and G = 2, odd plane 3×5; affine and plain.
    let (n, c, h, w) = (2, 6, 3, 5)
    for (g, affine) in [(3, true), (2, true), (3, false)] {
      let x = randomTensor([n, c, h, w], seed: 1)
      let weight = randomTensor([c], seed: 2), bias = randomTensor([c], seed: 3)
      let out = Tensor(x.shape), mean = Tensor([n * g]), rstd = Tensor([n * g])
      let dx = Tensor(x.shape), dw = Tensor([c]), db = Tensor([c]), sums = Tensor([2 * n * c])
      // Perturbing one input moves every output of its group through the statistics, so each difference
      // quotient carries the float32 rounding of a whole group (~3e-5 absolute here): compare gradients
      // below 1e-2 absolutely (1e-4).
      let report = GradientCheck.run(
        inputs: affine ? [x, weight, bias] : [x], options: GradientCheck.Options(absoluteFloor: 1e-2),
        forward: {
          GroupNormOp.forward(x: x.data, batch: n, channels: c, plane: h * w, groups: g, eps: 1e-5,
                              weight: affine ? weight.data : nil, bias: affine ? bias.data : nil,
                              out: out.data, mean: mean.data, rstd: rstd.data)
          return out
        },
        backward: { dOut in
          dw.zero()
          db.zero()
          GroupNormOp.backward(dOut: dOut.data, x: x.data, batch: n, channels: c, plane: h * w, groups: g,
                               mean: mean.data, rstd: rstd.data, weight: affine ? weight.data : nil, dx: dx.data,
                               dWeight: affine ? dw.data : nil, dBias: affine ? db.data : nil,
                               channelSums: sums.data)
          return affine ? [dx, dw, db] : [dx]
        })
      XCTAssertTrue(report.passed, "G=\(g) affine \(affine): \(report)")
    }
  }
}
