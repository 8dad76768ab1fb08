import DTREngine
import DTRTestSupport
import XCTest

/// Finite-difference checks of the text-conditioning ops: masked multi-head attention (self-attention
/// over one fused projection, and cross-attention between sequences of different lengths) and the
/// masked mean.
final class MaskedAttentionTests: XCTestCase {
  /// `[N, L]` key masks with a different number of valid tokens per sample.
  func validMask(batch: Int, keys: Int, lengths: [Int]) -> Tensor {
    let v = Tensor([batch, keys])
    for n in 0..<batch { for l in 0..<lengths[n] { v.data[n * keys + l] = 1 } }
    return v
  }

  func testCrossAttentionGradientsWithPaddedKeys() {
    let (N, Lq, Lk, D, H) = (2, 5, 7, 12, 3)
    let q = randomTensor([N, Lq, D], seed: 1), kv = randomTensor([N, Lk, 2 * D], seed: 2)
    let valid = validMask(batch: N, keys: Lk, lengths: [3, 7])
    let probs = Tensor([N * H * Lq * Lk]), out = Tensor([N, Lq, D])
    let dq = Tensor([N, Lq, D]), dkv = Tensor([N, Lk, 2 * D]), scratch = Tensor([MaskedAttentionOp.scratchCount(queries: Lq, keys: Lk)])
    let r = GradientCheck.run(inputs: [q, kv], forward: {
      MaskedAttentionOp.forward(q: q.data, ldq: D, k: kv.data, v: kv.data + D, ldkv: 2 * D, keyValid: valid.data,
                                batch: N, queries: Lq, keys: Lk, dim: D, heads: H, probs: probs.data, out: out.data)
      return out
    }, backward: { g in
      MaskedAttentionOp.backward(dOut: g.data, q: q.data, ldq: D, k: kv.data, v: kv.data + D, ldkv: 2 * D,
                                 probs: probs.data, batch: N, queries: Lq, keys: Lk, dim: D, heads: H,
                                 dq: dq.data, dk: dkv.data, dv: dkv.data + D, scratch: scratch.data)
      return [dq, dkv]
    })
    XCTAssertTrue(r.passed, r.description)
    // Padded keys and values of sample 0 (tokens 3…6) get exactly zero gradient and zero probability.
    for l in 3..<Lk { for c in 0..<(2 * D) { XCTAssertEqual(dkv.data[l * 2 * D + c], 0) } }
    for h in 0..<H { for i in 0..<Lq { for l in 3..<Lk { XCTAssertEqual(probs.data[(h * Lq + i) * Lk + l], 0) } } }
  }

  func testMaskedSelfAttentionOverFusedProjectionMatchesFiniteDifferences() {
    let (N, L, D, H) = (2, 6, 8, 2)
    let qkv = randomTensor([N, L, 3 * D], seed: 3)
    let valid = validMask(batch: N, keys: L, lengths: [1, 4])
    let probs = Tensor([N * H * L * L]), out = Tensor([N, L, D]), dqkv = Tensor([N, L, 3 * D])
    let scratch = Tensor([MaskedAttentionOp.scratchCount(queries: L, keys: L)])
    let r = GradientCheck.run(inputs: [qkv], forward: {
      MaskedAttentionOp.forward(q: qkv.data, ldq: 3 * D, k: qkv.data + D, v: qkv.data + 2 * D, ldkv: 3 * D,
                                keyValid: valid.data, batch: N, queries: L, keys: L, dim: D, heads: H,
                                probs: probs.data, out: out.data)
      return out
    }, backward: { g in
      MaskedAttentionOp.backward(dOut: g.data, q: qkv.data, ldq: 3 * D, k: qkv.data + D, v: qkv.data + 2 * D, ldkv: 3 * D,
                                 probs: probs.data, batch: N, queries: L, keys: L, dim: D, heads: H,
                                 dq: dqkv.data, dk: dqkv.data + D, dv: dqkv.data + 2 * D, scratch: scratch.data)
      return [dqkv]
    })
    XCTAssertTrue(r.passed, r.description)
    // One valid key: every query of sample 0 returns that key's value exactly.
    for i in 0..<L { for c in 0..<D { XCTAssertEqual(out.data[i * D + c], qkv.data[2 * D + c], accuracy: 1e-6) } }
  }

  func testWithoutMaskMatchesFusedSelfAttention() {
    let (N, L, D, H) = (2, 5, 8, 2)
    let qkv = randomTensor([N, L, 3 * D], seed: 4)
    let a = Tensor([N, L, D]), b = Tensor([N, L, D]), probs = Tensor([N * H * L * L])
    let scratch = Tensor([AttentionOp.scratchCount(tokens: L)])
    AttentionOp.forward(qkv: qkv.data, batch: N, tokens: L, dim: D, heads: H, probs: nil, scratch: scratch.data, out: a.data)
    MaskedAttentionOp.forward(q: qkv.data, ldq: 3 * D, k: qkv.data + D, v: qkv.data + 2 * D, ldkv: 3 * D, keyValid: nil,
                              batch: N, queries: L, keys: L, dim: D, heads: H, probs: probs.data, out: b.data)
    for i in 0..<a.count { XCTAssertEqual(a.data[i], b.data[i], accuracy: 1e-5) }
  }

  func testMaskedMeanGradientAndValue() {
    let (N, L, D) = (3, 4, 5)
    let x = randomTensor([N, L, D], seed: 5), out = Tensor([N, D]), dx = Tensor([N, L, D])
    let valid = validMask(batch: N, keys: L, lengths: [1, 3, 4])
    let r = GradientCheck.run(inputs: [x], forward: {
      MaskedMeanOp.forward(x: x.data, valid: valid.data, batch: N, tokens: L, dim: D, out: out.data)
      return out
    }, backward: { g in
      MaskedMeanOp.backward(dOut: g.data, valid: valid.data, batch: N, tokens: L, dim: D, dx: dx.data)
      return [dx]
    })
    XCTAssertTrue(r.passed, r.description)
    MaskedMeanOp.forward(x: x.data, valid: valid.data, batch: N, tokens: L, dim: D, out: out.data)
    for c in 0..<D {
      XCTAssertEqual(out.data[c], x.data[c], accuracy: 1e-6)  // one valid token: its own value
      let mean = (0..<3).map { x.data[(L + $0) * D + c] }.reduce(0, +) / 3
      XCTAssertEqual(out.data[D + c], mean, accuracy: 1e-5)
    }
  }
}
