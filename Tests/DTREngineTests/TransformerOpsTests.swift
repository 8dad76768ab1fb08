import DTREngine
import DTRTestSupport
import XCTest

/// Finite-difference gradient checks of the transformer ops, at odd sizes (7 tokens, 3 heads, 13 or
/// 15 channels).
final class TransformerOpsTests: XCTestCase {
  func check(_ inputs: [Tensor], floor: Double = 1e-3, forward: @escaping () -> Tensor,
             backward: @escaping (Tensor) -> [Tensor], file: StaticString = #filePath, line: UInt = #line) {
    let r = GradientCheck.run(inputs: inputs, options: GradientCheck.Options(absoluteFloor: floor),
                              forward: forward, backward: backward)
    XCTAssertTrue(r.passed, r.description, file: file, line: line)
  }

  func testLinearGradientsMatchFiniteDifferences() {
    let (rows, i, o) = (5, 13, 7)
    let x = randomTensor([rows, i], seed: 1), w = randomTensor([o, i], seed: 2), b = randomTensor([o], seed: 3)
    let y = Tensor([rows, o]), dx = Tensor([rows, i]), dw = Tensor([o, i]), db = Tensor([o])
    check([x, w, b], forward: {
      LinearOp.forward(x: x.data, rows: rows, inDim: i, outDim: o, weight: w.data, bias: b.data, out: y.data)
      return y
    }, backward: { d in
      dw.zero(); db.zero()
      LinearOp.backward(dOut: d.data, x: x.data, rows: rows, inDim: i, outDim: o, weight: w.data, dx: dx.data,
                        dWeight: dw.data, dBias: db.data)
      return [dx, dw, db]
    })
  }

  func testLayerNormPlainAndAffine() {
    let (rows, d) = (7, 13)
    for affine in [false, true] {
      let x = randomTensor([rows, d], seed: 4, std: 2), w = randomTensor([d], seed: 5), b = randomTensor([d], seed: 6)
      let y = Tensor([rows, d]), m = Tensor([rows]), rs = Tensor([rows])
      let dx = Tensor([rows, d]), dw = Tensor([d]), db = Tensor([d])
      check(affine ? [x, w, b] : [x], floor: 1e-2, forward: {
        LayerNormOp.forward(x: x.data, rows: rows, dim: d, eps: 1e-6, weight: affine ? w.data : nil,
                            bias: affine ? b.data : nil, out: y.data, mean: m.data, rstd: rs.data)
        return y
      }, backward: { g in
        dw.zero(); db.zero()
        LayerNormOp.backward(dOut: g.data, x: x.data, rows: rows, dim: d, mean: m.data, rstd: rs.data,
                             weight: affine ? w.data : nil, dx: dx.data, dWeight: affine ? dw.data : nil,
                             dBias: affine ? db.data : nil)
        return affine ? [dx, dw, db] : [dx]
      })
    }
  }

  func testModulateAndFusedLayerNormModulate() {
    let (n, l, d) = (2, 7, 13)
    let x = randomTensor([n, l, d], seed: 7, std: 2), mod = randomTensor([n, 2 * d], seed: 8, std: 0.5)
    let y = Tensor([n, l, d]), m = Tensor([n * l]), rs = Tensor([n * l]), dx = Tensor([n, l, d]), dmod = Tensor([n, 2 * d])
    check([x, mod], forward: {
      ModulateOp.forward(x: x.data, batch: n, tokens: l, dim: d, shift: mod.data, scale: mod.data + d,
                         paramStride: 2 * d, out: y.data)
      return y
    }, backward: { g in
      dmod.zero()
      ModulateOp.backward(dOut: g.data, x: x.data, batch: n, tokens: l, dim: d, scale: mod.data + d, paramStride: 2 * d,
                          dx: dx.data, dShift: dmod.data, dScale: dmod.data + d)
      return [dx, dmod]
    })
    check([x, mod], floor: 1e-2, forward: {
      LayerNormModulateOp.forward(x: x.data, batch: n, tokens: l, dim: d, eps: 1e-6, shift: mod.data, scale: mod.data + d,
                                  paramStride: 2 * d, out: y.data, mean: m.data, rstd: rs.data)
      return y
    }, backward: { g in
      dmod.zero()
      LayerNormModulateOp.backward(dOut: g.data, x: x.data, batch: n, tokens: l, dim: d, mean: m.data, rstd: rs.data,
                                   scale: mod.data + d, paramStride: 2 * d, dx: dx.data, dShift: dmod.data,
                                   dScale: dmod.data + d)
      return [dx, dmod]
    })
  }

  func testGELUWithBiasAndSiLU() {
    let (rows, c) = (3, 13)
    let x = randomTensor([rows, c], seed: 9, std: 2), b = randomTensor([c], seed: 10)
    let pre = Tensor([rows, c]), y = Tensor([rows, c]), dx = Tensor([rows, c]), db = Tensor([c])
    // The rational tanh is within 1e-4 of tanh, and backward uses 1 − t², the exact tanh's slope, which
    // differs from the approximant's by up to 4e-4 near |u| = 5 (x ≈ 3): compare gradients below 0.1
    // absolutely.
    check([x, b], floor: 0.1, forward: {
      pre.copy(from: x)
      GELUOp.forward(x: pre.data, rows: rows, cols: c, bias: b.data, out: y.data)
      return y
    }, backward: { g in
      GELUOp.backward(dOut: g.data, x: pre.data, count: rows * c, dx: dx.data)
      db.zero()
      LinearOp.columnSums(dx.data, rows: rows, cols: c, into: db.data)
      return [dx, db]
    })
    // SiLU backward into a separate buffer, in place on dL/dy, and accumulating onto a known start.
    for mode in ["separate", "in place", "accumulate"] {
      check([x], forward: {
        SiLUOp.forward(x: x.data, count: rows * c, out: y.data)
        return y
      }, backward: { g in
        switch mode {
        case "separate": SiLUOp.backward(dOut: g.data, x: x.data, count: rows * c, dx: dx.data)
        case "in place":
          dx.copy(from: g)
          SiLUOp.backward(dOut: dx.data, x: x.data, count: rows * c, dx: dx.data)
        default:
          dx.data.update(repeating: 0.25, count: rows * c)
          SiLUOp.backward(dOut: g.data, x: x.data, count: rows * c, dx: dx.data, accumulate: true)
          for i in 0..<(rows * c) { dx.data[i] -= 0.25 }
        }
        return [dx]
      })
    }
  }

  func testGELUMatchesTheTanhFormula() {
    let x = Tensor([1, 9], [-6, -3, -1, -0.3, 0, 0.2, 1, 2.5, 7]), y = Tensor([1, 9])
    GELUOp.forward(x: x.data, rows: 1, cols: 9, out: y.data)
    for i in 0..<9 {
      let v = Double(x[i])
      let ref = 0.5 * v * (1 + Foundation.tanh(0.7978845608 * (v + 0.044715 * v * v * v)))
      XCTAssertEqual(Double(y[i]), ref, accuracy: 1e-4)
    }
  }

  /// 7 columns (the scalar tail only) and 37 (two 16-wide vectors of the row maximum, then the tail).
  func testScaledSoftmaxGradientMatchesFiniteDifferences() {
    for (rows, c) in [(3, 7), (2, 37)] {
      let x = randomTensor([rows, c], seed: 11, std: 2), y = Tensor([rows, c]), dx = Tensor([rows, c])
      check([x], forward: {
        y.copy(from: x)
        SoftmaxOp.forward(y.data, rows: rows, cols: c, scale: 0.7)
        return y
      }, backward: { g in
        dx.copy(from: g)
        SoftmaxOp.backward(y: y.data, d: dx.data, rows: rows, cols: c, scale: 0.7)
        return [dx]
      })
    }
  }

  /// The vectorised row maximum finds the largest element wherever it sits (every lane of the 16-wide
  /// part and the tail), for the row lengths of attention (49, 196) and the edges around a vector.
  func testRowMaximumFindsTheLargestElementAnywhere() {
    var rng = SplitMix64(seed: 21)
    for n in [1, 15, 16, 17, 33, 49, 196] {
      var x = (0..<n).map { _ in -10 - 5 * rng.nextFloat() }
      for at in 0..<n {
        x[at] = -1.5
        XCTAssertEqual(Kernels.max(x, n), -1.5, "n \(n), maximum at \(at)")
        x[at] = -10
      }
    }
    XCTAssertEqual(Kernels.max([Float](), 0), -.infinity)
  }

  func testAttentionWithThreeHeadsStoredAndRecomputedProbabilities() {
    let (n, l, d, h) = (2, 7, 15, 3)
    let qkv = randomTensor([n, l, 3 * d], seed: 12), out = Tensor([n, l, d]), probs = Tensor([n * h * l * l])
    let dqkv = Tensor([n, l, 3 * d]), scratch = Tensor([AttentionOp.scratchCount(tokens: l)])
    for stored in [true, false] {
      check([qkv], floor: 1e-2, forward: {
        AttentionOp.forward(qkv: qkv.data, batch: n, tokens: l, dim: d, heads: h, probs: stored ? probs.data : nil,
                            scratch: scratch.data, out: out.data)
        return out
      }, backward: { g in
        AttentionOp.backward(dOut: g.data, qkv: qkv.data, probs: stored ? probs.data : nil, batch: n, tokens: l, dim: d,
                             heads: h, dqkv: dqkv.data, scratch: scratch.data)
        return [dqkv]
      })
    }
  }

  func testMasksAndGatedResidual() {
    let (n, l, d) = (2, 7, 13)
    let x = randomTensor([n, l, d], seed: 13), y = randomTensor([n, l, d], seed: 14), gate = randomTensor([n, d], seed: 15)
    let mask = Tensor([n, d], (0..<(n * d)).map { Float(($0 * 7 / 3) % 2) })
    let out = Tensor([n, l, d]), dx = Tensor([n, l, d]), dy = Tensor([n, l, d]), dg = Tensor([n, d])
    check([x], forward: {
      ChannelMaskOp.forward(x: x.data, mask: mask.data, batch: n, tokens: l, dim: d, out: out.data)
      ChannelMaskOp.forward(x: x.data, mask: mask.data, batch: n, tokens: l, dim: d, complement: true, accumulate: true,
                            out: out.data)
      return out
    }, backward: { g in
      ChannelMaskOp.backward(dOut: g.data, mask: mask.data, batch: n, tokens: l, dim: d, dx: dx.data)
      ChannelMaskOp.backward(dOut: g.data, mask: mask.data, batch: n, tokens: l, dim: d, complement: true,
                             accumulate: true, dx: dx.data)
      return [dx]
    })
    check([x, y, gate], forward: {
      GatedResidualOp.forward(h: x.data, y: y.data, gate: gate.data, gateStride: d, batch: n, tokens: l, dim: d,
                              out: out.data)
      return out
    }, backward: { g in
      dg.zero()
      GatedResidualOp.backward(dOut: g.data, y: y.data, gate: gate.data, gateStride: d, batch: n, tokens: l, dim: d,
                               dy: dy.data, dGate: dg.data)
      return [g.clone(), dy, dg]
    })
  }

  func testPatchifyUnpatchifyEmbeddingAndMSE() {
    let (n, c, hw, p) = (2, 3, 6, 3)
    let img = randomTensor([n, c, hw, hw], seed: 16), tok = Tensor([n * 4, c * p * p]), back = Tensor([n, c, hw, hw])
    PatchOp.patchify(image: img.data, batch: n, channels: c, height: hw, width: hw, patch: p, tokens: tok.data)
    PatchOp.patchifyBackward(dTokens: tok.data, batch: n, channels: c, height: hw, width: hw, patch: p, dImage: back.data)
    XCTAssertEqual(back.toArray(), img.toArray())
    let dt = Tensor([n * 4, c * p * p])
    check([tok], forward: {
      PatchOp.unpatchify(tokens: tok.data, batch: n, channels: c, height: hw, width: hw, patch: p, image: back.data)
      return back
    }, backward: { g in
      PatchOp.unpatchifyBackward(dImage: g.data, batch: n, channels: c, height: hw, width: hw, patch: p, dTokens: dt.data)
      return [dt]
    })
    let table = randomTensor([5, 4], seed: 17), emb = Tensor([3, 4]), dtab = Tensor([5, 4])
    check([table], forward: {
      EmbeddingOp.forward(table: table.data, dim: 4, indices: [4, 1, 4], out: emb.data)
      return emb
    }, backward: { g in
      dtab.zero()
      EmbeddingOp.backward(dOut: g.data, dim: 4, indices: [4, 1, 4], dTable: dtab.data)
      return [dtab]
    })
    let pred = randomTensor([3, 5], seed: 18), target = randomTensor([3, 5], seed: 19)
    let w = Tensor([3], [1, 0.5, 2]), per = Tensor([3]), dp = Tensor([3, 5]), loss = Tensor([1])
    check([pred], forward: {
      loss[0] = MSELossOp.forward(pred: pred.data, target: target.data, batch: 3, perSampleCount: 5, weights: w.data,
                                  perSample: per.data)
      return loss
    }, backward: { g in
      MSELossOp.backward(pred: pred.data, target: target.data, batch: 3, perSampleCount: 5, weights: w.data, dPred: dp.data)
      Kernels.scale(dp.data, 15, by: g[0])
      return [dp]
    })
  }
}

import Foundation
