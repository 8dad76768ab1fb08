import DTREngine
import DTRModels
import DTRTestSupport
import XCTest

final class UNetTests: XCTestCase {
  /// 8×8 inputs with two channels (sides 8, 4, 2), widths 8-16-16, attention at every level but the
  /// first, 2 heads, 4 groups, so every module kind runs at a size a gradient check can afford.
  static func microConfig(_ routing: RoutingKind = .dtr, beta: Double = 0.5, downsampleConv: Bool = true) -> ModelConfig {
    var c = ModelConfig.preset("unet-tiny")!
    (c.inputSize, c.inChannels, c.baseChannels, c.channelMult) = (8, 2, 8, [1, 2, 2])
    (c.groups, c.headChannels, c.attentionAt14, c.downsampleConv) = (4, 8, true, downsampleConv)
    (c.routing, c.beta, c.alpha) = (routing, beta, 1.5)
    return c
  }

  /// Fills every trainable parameter with N(0, 0.2²) (the zero-initialised layers too). Larger weights make
  /// float32 rounding in the finite differences (which grows like 1/step) exceed the tolerance on small
  /// gradients: at std 0.3 a few gradients near 3e-3 differ by 3e-4, and by 5× more at a 5× smaller step.
  static func randomise(_ m: UNet, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    for p in m.parameters.trainable { rng.fillNormal(p.value.data, count: p.value.count, std: 0.2) }
  }

  static func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
    let x = Tensor(shape)
    var rng = SplitMix64(seed: seed)
    rng.fillNormal(x.data, count: x.count)
    return x
  }

  func testWholeModelGradientMatchesFiniteDifferences() {
    let checked = [
      "time_embed.0.weight", "time_embed.2.bias", "label_emb.weight", "input_blocks.0.0.weight",
      "input_blocks.1.0.in_layers.0.weight", "input_blocks.1.0.in_layers.2.weight",
      "input_blocks.1.0.emb_layers.1.weight", "input_blocks.1.0.out_layers.0.bias",
      "input_blocks.1.0.out_layers.3.weight", "input_blocks.3.0.skip_connection.weight",
      "input_blocks.3.1.norm.weight", "input_blocks.3.1.qkv.weight", "input_blocks.3.1.proj_out.weight",
      "middle_block.1.qkv.bias", "output_blocks.0.0.skip_connection.bias", "output_blocks.1.2.conv.weight",
      "output_blocks.5.0.in_layers.0.bias", "out.0.weight", "out.2.weight",
    ]
    for (routing, conv) in [(RoutingKind.dtr, true), (.random, false), (.none, true)] {
      let m = UNet(Self.microConfig(routing, downsampleConv: conv), seed: 5)
      Self.randomise(m, seed: 9)
      let x = Self.randomInput([3, 2, 8, 8], seed: 1), out = Tensor([3, 2, 8, 8])
      let t = [3, 600, 999], y = [0, 4, 10]
      let params = (conv ? checked + ["input_blocks.2.0.op.weight"] : checked).map { m.parameters[$0]! }
      // A whole UNet's float32 outputs carry ~1e-6 relative rounding noise, which central differences
      // divide by 2h: at h = 1e-2 that is ~1e-3 of gradients of ~4e-3, and smaller steps fail more.
      // Richardson extrapolation allows h = 3e-2 (worst error 0.01 against the 0.02 tolerance).
      let report = GradientCheck.run(
        inputs: [x] + params.map(\.value),
        options: .init(relativeTolerance: 2e-2, absoluteFloor: 1e-2, step: 3e-2, maxElementsPerInput: 8, richardson: true),
        forward: {
          m.forward(x, t: t, y: y, out: out)
          return out
        },
        backward: { dOut in
          m.parameters.zeroGrad()
          m.backward(dOut)
          return [m.inputGradient] + params.map(\.grad)
        })
      XCTAssertTrue(report.passed, "\(routing): \(report)")
    }
  }

  func testOutputIsExactlyZeroAtInit() {
    let m = UNet(ModelConfig.preset("unet-tiny")!, seed: 3)
    let x = Self.randomInput([4, 1, 28, 28], seed: 1), out = Tensor([4, 1, 28, 28])
    m.forward(x, t: [0, 10, 500, 999], y: [1, 2, 3, 10], out: out)
    XCTAssertTrue(out.toArray().allSatisfy { $0 == 0 })
  }

  func testBetaOneIsBitIdenticalToNoRouting() {
    let reference = UNet(Self.microConfig(.none, beta: 1), seed: 2)
    Self.randomise(reference, seed: 4)
    let x = Self.randomInput([3, 2, 8, 8], seed: 6), dOut = Self.randomInput([3, 2, 8, 8], seed: 7)
    let t = [0, 400, 999], y = [1, 2, 10]
    func run(_ m: UNet) -> (out: [UInt32], grads: [UInt32]) {
      let out = Tensor([3, 2, 8, 8])
      m.forward(x, t: t, y: y, out: out)
      m.parameters.zeroGrad()
      m.backward(dOut)
      let grads = m.parameters.trainable.flatMap { $0.grad.toArray() } + m.inputGradient.toArray()
      return (out.toArray().map(\.bitPattern), grads.map(\.bitPattern))
    }
    let expected = run(reference)
    XCTAssertTrue(expected.out.contains { $0 != 0 })
    for routing in [RoutingKind.dtr, .random] {
      let m = UNet(Self.microConfig(routing, beta: 1), seed: 2)
      m.parameters.copyValues(from: reference.parameters)
      let got = run(m)
      XCTAssertEqual(got.out, expected.out, "\(routing) output")
      XCTAssertEqual(got.grads, expected.grads, "\(routing) gradients")
    }
  }

  /// `--precision bf16`: the output and every gradient stay within bf16's rounding of fp32's (relative
  /// L2 error), differ from them (bf16 ran), and switching back to fp32 gives fp32's bits again.
  /// (On a CPU without AVX-512, where oneDNN has no bf16 kernels, the refusal is checked instead.)
  func testBF16TracksFP32AndSwitchesBack() {
    guard CPUFeatures.current().hasAVX512Core else {
      return XCTAssertNotNil(Precision.bf16.unsupportedReason(), "a CPU without AVX-512 must refuse bf16")
    }
    let m = UNet(Self.microConfig(.dtr, beta: 0.5), seed: 2)
    Self.randomise(m, seed: 4)
    let x = Self.randomInput([3, 2, 8, 8], seed: 6), dOut = Self.randomInput([3, 2, 8, 8], seed: 7)
    func run() -> [Float] {
      let out = Tensor([3, 2, 8, 8])
      m.forward(x, t: [0, 400, 999], y: [1, 2, 10], out: out)
      m.parameters.zeroGrad()
      m.backward(dOut)
      return out.toArray() + m.parameters.trainable.flatMap { $0.grad.toArray() } + m.inputGradient.toArray()
    }
    func relativeError(_ a: [Float], _ b: [Float]) -> Double {
      let diff = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
      return (diff / b.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
    }
    let fp32 = run()
    m.precision = .bf16
    let bf16 = run()
    let error = relativeError(bf16, fp32)
    XCTAssertLessThan(error, 2e-2, "bf16 departs from fp32 by more than its rounding")
    XCTAssertGreaterThan(error, 1e-4, "bf16 gave fp32's results: the operands were not rounded")
    m.precision = .fp32
    XCTAssertEqual(run().map(\.bitPattern), fp32.map(\.bitPattern))
  }

  func testEachSampleUsesItsOwnTimestepRow() {
    let m = UNet(Self.microConfig(.dtr, beta: 0.5), seed: 3)
    Self.randomise(m, seed: 5)
    let one = Self.randomInput([1, 2, 8, 8], seed: 8), n = one.count
    let batch = Tensor([3, 2, 8, 8])
    for k in 0..<3 { (batch.data + k * n).update(from: one.data, count: n) }
    let single = Tensor([1, 2, 8, 8]), mixedA = Tensor([3, 2, 8, 8]), mixedB = Tensor([3, 2, 8, 8])
    m.forward(one, t: [990], y: [3], out: single)
    m.forward(batch, t: [990, 10, 500], y: [3, 3, 3], out: mixedA)
    m.forward(batch, t: [990, 700, 2], y: [3, 3, 3], out: mixedB)
    for i in 0..<n {
      XCTAssertEqual(mixedA[i], single[i], accuracy: 1e-5)
      XCTAssertEqual(mixedB[i], single[i], accuracy: 1e-5)
    }
    // The routing really differs between t = 10 and t = 990 in every block, so the rows were not shared.
    for mask in m.masks { XCTAssertNotEqual(mask.activeChannels(t: 10), mask.activeChannels(t: 990)) }
  }

  func testParameterNamesFollowGuidedDiffusion() {
    let c = ModelConfig.preset("unet-base")!
    let m = c.build(seed: 0) as! UNet
    let expected: [String: [Int]] = [
      "time_embed.0.weight": [256, 64], "time_embed.2.weight": [256, 256], "label_emb.weight": [11, 256],
      "input_blocks.0.0.weight": [64, 1, 3, 3],
      "input_blocks.1.0.in_layers.0.weight": [64], "input_blocks.1.0.in_layers.2.weight": [64, 64, 3, 3],
      "input_blocks.1.0.emb_layers.1.weight": [128, 256], "input_blocks.1.0.out_layers.0.bias": [64],
      "input_blocks.1.0.out_layers.3.weight": [64, 64, 3, 3], "input_blocks.3.0.op.weight": [64, 64, 3, 3],
      "input_blocks.4.0.skip_connection.weight": [128, 64, 1, 1], "input_blocks.7.1.norm.weight": [128],
      "input_blocks.7.1.qkv.weight": [384, 128, 1], "input_blocks.8.1.proj_out.weight": [128, 128, 1],
      "middle_block.0.out_layers.3.weight": [128, 128, 3, 3], "middle_block.1.qkv.bias": [384],
      "middle_block.2.emb_layers.1.bias": [256],
      "output_blocks.0.0.skip_connection.weight": [128, 256, 1, 1], "output_blocks.2.1.qkv.weight": [384, 128, 1],
      "output_blocks.2.2.conv.weight": [128, 128, 3, 3], "output_blocks.5.0.in_layers.0.weight": [192],
      "output_blocks.5.1.conv.weight": [128, 128, 3, 3], "output_blocks.8.0.skip_connection.weight": [64, 128, 1, 1],
      "out.0.weight": [64], "out.2.weight": [1, 64, 3, 3],
    ]
    for (name, shape) in expected { XCTAssertEqual(m.parameters[name]?.value.shape, shape, name) }
    XCTAssertNil(m.parameters["input_blocks.9.0.in_layers.0.weight"])
    XCTAssertNil(m.parameters["output_blocks.9.0.in_layers.0.weight"])
    XCTAssertNil(m.parameters["input_blocks.4.1.qkv.weight"], "no attention at 14×14 by default")
    let names = c.routedBlocks.map(\.name)
    XCTAssertEqual(names.count, 17)
    XCTAssertEqual(Array(names.prefix(3)), ["input_blocks.1.0", "input_blocks.2.0", "input_blocks.4.0"])
    XCTAssertEqual(Array(names[6...8]), ["middle_block.0", "middle_block.2", "output_blocks.0.0"])
    for (name, mask) in zip(names, m.masks) {
      XCTAssertEqual(mask.channels, m.parameters["\(name).in_layers.0.weight"]!.value.count, name)
      XCTAssertEqual(mask.width, Int(Double(mask.channels) * 0.8), name)
    }
    XCTAssertEqual(m.parameters["input_blocks.1.0.in_layers.0.weight"]!.value.toArray(), Array(repeating: 1, count: 64))
  }

  func testConfigurationPresetsValidationAndDecoding() throws {
    let tiny = ModelConfig.preset("unet-tiny")!, small = ModelConfig.preset("unet-small")!
    let base = ModelConfig.preset("unet-base")!
    for name in ["unet-tiny", "unet-small", "unet-base"] {
      XCTAssertTrue(ModelConfig.presetNames.contains(name), name)
      XCTAssertNil(ModelConfig.preset(name)!.validationError, name)
    }
    XCTAssertGreaterThan(small.forwardFLOPsPerImage, 3 * tiny.forwardFLOPsPerImage)
    XCTAssertGreaterThan(base.forwardFLOPsPerImage, 5 * small.forwardFLOPsPerImage)
    var bad = base
    bad.headChannels = 48
    XCTAssertNotNil(bad.validationError)
    bad = base
    bad.channelMult = []
    XCTAssertNotNil(bad.validationError)
    XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(small)), small)
    // A configuration saved before the UNet fields existed decodes with their defaults.
    let old = #"{"arch":"dit","hidden":64,"depth":2,"heads":2,"patch":4,"routing":"dtr","beta":0.6}"#
    let decoded = try JSONDecoder().decode(ModelConfig.self, from: Data(old.utf8))
    var expected = ModelConfig.preset("tiny")!
    expected.beta = 0.6
    XCTAssertEqual(decoded, expected)
  }
}
