import DTRData
import DTREngine
import DTRModels
import DTRTestSupport
import XCTest

/// The captioned DiT: gradients of every parameter (text encoder, cross-attention, DiT) against finite
/// differences, β = 1 ≡ no routing, the null caption, the key-padding mask, and non-square inputs.
final class CaptionedDiTTests: XCTestCase {
  /// 8×16 canvases in 2×4 patches of 4, width 16, two blocks, one text layer.
  static func microConfig(_ routing: RoutingKind = .dtr, beta: Double = 0.5) -> ModelConfig {
    var c = ModelConfig.preset("caption-tiny")!
    (c.inputSize, c.inputWidth, c.patch, c.hidden, c.depth, c.heads, c.textDepth) = (8, 16, 4, 16, 2, 2, 1)
    (c.routing, c.alpha, c.beta) = (routing, 1.5, beta)
    return c
  }

  static let prompts = ["a large light bag on the right", "a small dark flipped sneaker on the top left and a large light boot on the right"]

  /// A model with every trainable parameter drawn from N(0, 0.1²) (so no branch is zero) and its table bound.
  func randomised(_ c: ModelConfig, seed: UInt64 = 5) throws -> DiT {
    let m = DiT(c, seed: seed)
    var rng = SplitMix64(seed: seed &+ 1)
    for p in m.parameters.trainable { rng.fillNormal(p.value.data, count: p.value.count, std: 0.1) }
    m.captions = CaptionTable(captions: try Self.prompts.map(CaptionVocabulary.encode))
    return m
  }

  func noise(_ c: ModelConfig, batch: Int, seed: UInt64) -> Tensor {
    let x = Tensor([batch] + c.imageShape)
    var rng = SplitMix64(seed: seed)
    rng.fillNormal(x.data, count: x.count)
    return x
  }

  func testEveryParameterGradientMatchesFiniteDifferences() throws {
    do {
      let routing = RoutingKind.dtr  // β = 1 ≡ none is pinned bit-exactly below
      let c = Self.microConfig(routing)
      let m = try randomised(c)
      let x = noise(c, batch: 3, seed: 9), out = Tensor([3] + c.imageShape)
      let t = [3, 600, 999], y = [1, 2, 0]  // two captions and the null caption
      let params = m.parameters.trainable
      XCTAssertTrue(params.contains { $0.name == "text_encoder.layers.0.attn.qkv.weight" })
      XCTAssertTrue(params.contains { $0.name == "blocks.1.cross_attn.kv_linear.weight" })
      let r = GradientCheck.run(
        inputs: params.map(\.value),
        options: GradientCheck.Options(absoluteFloor: 1e-2, step: 1e-2, maxElementsPerInput: 2),
        forward: {
          m.forward(x, t: t, y: y, out: out)
          return out
        }, backward: { g in
          m.parameters.zeroGrad()
          m.backward(g)
          return params.map(\.grad)
        })
      XCTAssertTrue(r.passed, "\(routing): \(r.description)")
    }
  }

  func testOutputIsZeroAtInitAndNonSquare() throws {
    let c = ModelConfig.preset("caption-tiny")!
    XCTAssertEqual(c.imageShape, [1, 28, 56])
    XCTAssertEqual(c.tokens, 7 * 14)
    let m = DiT(c, seed: 3)
    m.captions = CaptionTable(captions: [try CaptionVocabulary.encode(Self.prompts[0])])
    let x = noise(c, batch: 2, seed: 1), out = Tensor([2] + c.imageShape)
    m.forward(x, t: [10, 900], y: [1, 0], out: out)
    XCTAssertEqual(out.shape, [2, 1, 28, 56])
    XCTAssertTrue(out.toArray().allSatisfy { $0 == 0 })
  }

  func testBetaOneIsBitIdenticalToNoRouting() throws {
    let routed = try randomised(Self.microConfig(.dtr, beta: 1)), plain = try randomised(Self.microConfig(.none))
    let c = routed.config
    let x = noise(c, batch: 3, seed: 2), a = Tensor([3] + c.imageShape), b = Tensor([3] + c.imageShape)
    routed.forward(x, t: [0, 500, 999], y: [0, 1, 2], out: a)
    plain.forward(x, t: [0, 500, 999], y: [0, 1, 2], out: b)
    XCTAssertEqual(a.toArray(), b.toArray())
    routed.parameters.zeroGrad(); plain.parameters.zeroGrad()
    routed.backward(x); plain.backward(x)
    for (p, q) in zip(routed.parameters.trainable, plain.parameters.trainable) {
      XCTAssertEqual(p.grad.toArray(), q.grad.toArray(), p.name)
    }
  }

  func testWordsAndTheNullCaptionChangeThePrediction() throws {
    let m = try randomised(Self.microConfig())
    let c = m.config
    let x = noise(c, batch: 1, seed: 4), out = Tensor([1] + c.imageShape)
    func predict(_ y: Int) -> [Float] {
      m.forward(x, t: [300], y: [y], out: out)
      return out.toArray()
    }
    let null = predict(0), first = predict(1), second = predict(2)
    XCTAssertNotEqual(null, first)
    XCTAssertNotEqual(first, second)
    // Label 0 is the null caption: the same as a table whose caption row holds the null tokens.
    m.captions = CaptionTable(captions: [CaptionVocabulary.nullTokens])
    XCTAssertEqual(predict(1), null)
    XCTAssertEqual(c.nullClass, CaptionTable.nullRow)
  }

  func testPaddingTokensAreInvisible() throws {
    let m = try randomised(Self.microConfig())
    let c = m.config
    let x = noise(c, batch: 2, seed: 6), a = Tensor([2] + c.imageShape), b = Tensor([2] + c.imageShape)
    m.forward(x, t: [100, 700], y: [1, 0], out: a)
    // Change the padding embedding and the positions only padding occupies in caption 1 (7 words).
    let emb = m.parameters.all.first { $0.name == "text_encoder.token_embedding.weight" }!.value
    let pos = m.parameters.all.first { $0.name == "text_encoder.pos_embed" }!.value
    for i in 0..<c.hidden { emb.data[i] += 3 }
    for i in (7 * c.hidden)..<pos.count { pos.data[i] -= 2 }
    m.forward(x, t: [100, 700], y: [1, 0], out: b)
    for i in 0..<a.count { XCTAssertEqual(a.data[i], b.data[i], accuracy: 1e-6) }
  }
}
