import DTREngine
import DTREvaluation
import DTRFormats
import DTRTestSupport
import XCTest

final class FashionCNNTests: XCTestCase {
  private let small = FashionCNNShape(conv1: 2, conv2: 3, hidden: 5, classes: 4)

  private func images(_ n: Int, seed: UInt64) -> Tensor {
    let x = Tensor([n, 1, 28, 28])
    var rng = SplitMix64(seed: seed)
    rng.fillNormal(x.data, count: x.count, std: 0.5)
    return x
  }

  func testGradientsOfEveryParameter() {
    // ReLU and max-pool make the loss piecewise smooth: with noise over all 784 pixels, so many
    // activations sit within a step of a kink or of a pooling tie that central differences average
    // over several pieces. The images are therefore blank except for a random 6×6 patch (blank regions
    // give equal activations, which move together and keep their pooling winner), and the step is 1e-4:
    // at 1e-3 some elements still straddle a kink (their one-sided differences differ, one of them equal
    // to the analytic value), at 1e-4 the central differences converge to the analytic gradients, and an
    // element still within 1e-4 of a kink passes when one of its one-sided differences agrees. (With the
    // patches of seeds 4 and 5 a few conv2 weights moved activations across two kinks within one step,
    // which no finite difference resolves; seed 6 has none.)
    let network = FashionCNN(shape: small, maxBatch: 2, seed: 3)
    for name in ["conv1.bias", "conv2.bias", "fc1.bias"] {
      let bias = network.parameters[name]!.value
      bias.data.update(repeating: 0.1, count: bias.count)
    }
    let noise = images(2, seed: 6), x = Tensor([2, 1, 28, 28])
    for n in 0..<2 {
      for y in 11..<17 {
        for col in 11..<17 { x.data[n * 784 + y * 28 + col] = noise.data[n * 784 + y * 28 + col] }
      }
    }
    let parameters = network.parameters.all
    let report = GradientCheck.run(
      inputs: parameters.map(\.value), options: .init(relativeTolerance: 2e-2, absoluteFloor: 1e-2, step: 1e-4, maxElementsPerInput: 60,
                                               piecewise: true),
      forward: {
        network.forward(x)
        return network.logits
      },
      backward: { dLogits in
        network.parameters.zeroGrad()
        network.backward(dLogits: dLogits)
        return parameters.map(\.grad)
      })
    XCTAssertTrue(report.passed, report.description)
  }

  func testBatchesAreIndependent() {
    // A batch of 3 gives each image the logits it gets alone.
    let network = FashionCNN(shape: small, maxBatch: 3, seed: 5)
    let x = images(3, seed: 6)
    network.forward(x)
    let together = network.logits.toArray()
    let single = Tensor([1, 1, 28, 28])
    single.data.update(from: x.data + 2 * 784, count: 784)
    network.forward(single)
    XCTAssertEqual(network.logits.shape, [1, 4])
    for (a, b) in zip(network.logits.toArray(), together[8..<12]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  func testWeightsFileRoundTrip() throws {
    let network = FashionCNN(shape: small, maxBatch: 2, seed: 7)
    let file = network.weightsFile(metadata: ["tag": "test"])
    XCTAssertEqual(FashionCNNShape(metadata: file.metadata), small)
    let restored = try FashionCNN(loading: SafeTensorsFile(decoding: file.encoded()), maxBatch: 2)
    let x = images(2, seed: 8)
    network.forward(x)
    restored.forward(x)
    XCTAssertEqual(restored.logits.toArray(), network.logits.toArray())
    XCTAssertEqual(restored.features.toArray(), network.features.toArray())
  }

  func testFileWithoutWidthsIsRejected() throws {
    var file = FashionCNN(shape: small, maxBatch: 1).weightsFile(metadata: [:])
    file.metadata["hidden"] = nil
    XCTAssertThrowsError(try FashionCNN(loading: SafeTensorsFile(decoding: file.encoded(), source: "w.safetensors"), maxBatch: 1)) {
      XCTAssertTrue("\($0)".contains("w.safetensors"), "\($0)")
    }
  }

  func testQuantisationMatchesEightBitLevels() {
    XCTAssertEqual(EvaluatorPixels.quantise(-3), 0)
    XCTAssertEqual(EvaluatorPixels.quantise(1.5), 255)
    XCTAssertEqual(EvaluatorPixels.quantise(.nan), 0)
    // Every 8-bit level v/127.5 − 1 maps back to v.
    for v in 0...255 { XCTAssertEqual(EvaluatorPixels.quantise(Float(v) / 127.5 - 1), UInt8(v)) }
  }
}
