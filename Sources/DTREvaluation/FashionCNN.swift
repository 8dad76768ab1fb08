import DTREngine

/// The evaluator's feature network: a small CNN classifier for 28×28 greyscale images,
///
///   conv3×3(1→c₁, pad 1) + ReLU + max-pool 2 → conv3×3(c₁→c₂, pad 1) + ReLU + max-pool 2
///   → flatten → fc(c₂·49→D) + ReLU  [the features] → fc(D→C)  [the logits],
///
/// with explicit forward and backward passes on the engine's ops. Using the penultimate post-ReLU layer
/// as features and the logits for the Inception-style score follows the "Fréchet classifier distance"
/// practice for MNIST-like data (TTUR issue #24; TF-GAN's `mnist_frechet_distance`).
///
/// Activation buffers are allocated once for `maxBatch` images and reused; any batch up to that size may
/// be passed. Not thread-safe: one forward/backward at a time.
public final class FashionCNN: @unchecked Sendable {
  /// Layer widths.
  public let shape: FashionCNNShape
  /// All parameters: `conv1.weight/bias`, `conv2.weight/bias`, `fc1.weight/bias`, `fc2.weight/bias`.
  public let parameters = ParameterStore()
  /// The largest batch ``forward(_:)`` accepts.
  public let maxBatch: Int
  /// Penultimate activations `[n, D]` of the last forward: the evaluator's features.
  public let features: Tensor
  /// Logits `[n, C]` of the last forward.
  public let logits: Tensor

  private let conv1Weight, conv1Bias, conv2Weight, conv2Bias: Parameter
  private let fc1, fc2: Linear
  /// Direct convolutions: the evaluator's features (and so every FID, KID and IS) must not move with
  /// oneDNN's choice of algorithm.
  private let workspace: Conv2DWorkspace = {
    let ws = Conv2DWorkspace()
    ws.algorithm = .direct
    return ws
  }()
  private let input: Tensor
  private let act1, pool1, act2, pool2: Tensor
  private var winners1, winners2: [Int32]
  private lazy var gradients = BackwardBuffers(shape: shape, maxBatch: maxBatch)
  private var batch = 0

  /// A network with the given widths, initialised from `seed` (He-normal weights for the layers that
  /// feed a ReLU, Xavier for the logits, zero biases).
  public init(shape: FashionCNNShape = FashionCNNShape(), maxBatch: Int, seed: UInt64 = 0) {
    precondition(maxBatch > 0, "maxBatch must be positive")
    self.shape = shape
    self.maxBatch = maxBatch
    let side = FashionCNNShape.side, half = side / 2, quarter = side / 4
    conv1Weight = parameters.make("conv1.weight", [shape.conv1, 1, 3, 3])
    conv1Bias = parameters.make("conv1.bias", [shape.conv1])
    conv2Weight = parameters.make("conv2.weight", [shape.conv2, shape.conv1, 3, 3])
    conv2Bias = parameters.make("conv2.bias", [shape.conv2])
    fc1 = Linear(parameters, "fc1", shape.flattened, shape.hidden)
    fc2 = Linear(parameters, "fc2", shape.hidden, shape.classes)
    input = Tensor([maxBatch, 1, side, side])
    act1 = Tensor([maxBatch, shape.conv1, side, side])
    pool1 = Tensor([maxBatch, shape.conv1, half, half])
    act2 = Tensor([maxBatch, shape.conv2, half, half])
    pool2 = Tensor([maxBatch, shape.conv2, quarter, quarter])
    features = Tensor([maxBatch, shape.hidden])
    logits = Tensor([maxBatch, shape.classes])
    winners1 = [Int32](repeating: 0, count: pool1.capacity)
    winners2 = [Int32](repeating: 0, count: pool2.capacity)

    var rng = SplitMix64(seed: seed)
    func he(_ p: Parameter, fanIn: Int) {
      Initializer.normal(p.value, std: Float((2 / Double(fanIn)).squareRoot()), rng: &rng)
    }
    he(conv1Weight, fanIn: 9)
    he(conv2Weight, fanIn: 9 * shape.conv1)
    he(fc1.weight, fanIn: shape.flattened)
    fc2.initXavier(&rng)
  }

  private func conv1Shape(_ n: Int) -> Conv2DShape {
    Conv2DShape(batch: n, inChannels: 1, outChannels: shape.conv1, height: 28, width: 28, kernel: 3, padding: 1)
  }

  private func conv2Shape(_ n: Int) -> Conv2DShape {
    Conv2DShape(batch: n, inChannels: shape.conv1, outChannels: shape.conv2, height: 14, width: 14, kernel: 3,
                padding: 1)
  }

  /// Runs the network on `x` (`[n, 1, 28, 28]`, n ≤ ``maxBatch``, pixels in [−1, 1]); fills ``features``
  /// and ``logits`` (reshaped to n rows) and keeps what ``backward(dLogits:)`` needs.
  public func forward(_ x: Tensor) {
    let n = x.shape[0]
    precondition(x.shape == [n, 1, 28, 28] && n >= 1 && n <= maxBatch,
                 "FashionCNN input must be [n ≤ \(maxBatch), 1, 28, 28], got \(x.shape)")
    batch = n
    input.copy(from: x)
    let s1 = conv1Shape(n), s2 = conv2Shape(n)
    Conv2DOp.forward(x: input.data, shape: s1, weight: conv1Weight.value.data, bias: conv1Bias.value.data,
                     out: act1.data, workspace: workspace)
    ReLUOp.forward(x: act1.data, count: s1.outputCount, out: act1.data)
    MaxPool2xOp.forward(x: act1.data, planes: n * shape.conv1, height: 28, width: 28, out: pool1.data,
                        indices: &winners1)
    Conv2DOp.forward(x: pool1.data, shape: s2, weight: conv2Weight.value.data, bias: conv2Bias.value.data,
                     out: act2.data, workspace: workspace)
    ReLUOp.forward(x: act2.data, count: s2.outputCount, out: act2.data)
    MaxPool2xOp.forward(x: act2.data, planes: n * shape.conv2, height: 14, width: 14, out: pool2.data,
                        indices: &winners2)
    features.reshape([n, shape.hidden])
    logits.reshape([n, shape.classes])
    fc1.forward(pool2.data, rows: n, features.data)
    ReLUOp.forward(x: features.data, count: features.count, out: features.data)
    fc2.forward(features.data, rows: n, logits.data)
  }

  /// Accumulates every parameter's gradient for `dLogits` (`[n, C]`, dL/d``logits`` of the last forward).
  public func backward(dLogits: Tensor) {
    let n = batch
    precondition(dLogits.shape == [n, shape.classes], "dLogits must be [\(n), \(shape.classes)], got \(dLogits.shape)")
    let g = gradients
    fc2.backward(dLogits.data, x: features.data, rows: n, dx: g.features.data)
    ReLUOp.backward(dOut: g.features.data, y: features.data, count: n * shape.hidden, dx: g.features.data)
    fc1.backward(g.features.data, x: pool2.data, rows: n, dx: g.pool2.data)
    MaxPool2xOp.backward(dOut: g.pool2.data, indices: winners2, planes: n * shape.conv2, height: 14, width: 14,
                         dx: g.act2.data)
    let s1 = conv1Shape(n), s2 = conv2Shape(n)
    ReLUOp.backward(dOut: g.act2.data, y: act2.data, count: s2.outputCount, dx: g.act2.data)
    Conv2DOp.backward(dOut: g.act2.data, x: pool1.data, shape: s2, weight: conv2Weight.value.data, dx: g.pool1.data,
                      dWeight: conv2Weight.grad.data, dBias: conv2Bias.grad.data, workspace: workspace)
    MaxPool2xOp.backward(dOut: g.pool1.data, indices: winners1, planes: n * shape.conv1, height: 28, width: 28,
                         dx: g.act1.data)
    ReLUOp.backward(dOut: g.act1.data, y: act1.data, count: s1.outputCount, dx: g.act1.data)
    Conv2DOp.backward(dOut: g.act1.data, x: input.data, shape: s1, weight: conv1Weight.value.data, dx: nil,
                      dWeight: conv1Weight.grad.data, dBias: conv1Bias.grad.data, workspace: workspace)
  }
}

/// Gradient buffers for ``FashionCNN/backward(dLogits:)``, allocated on first use so inference-only
/// networks never hold them.
private struct BackwardBuffers {
  let features, pool2, act2, pool1, act1: Tensor

  init(shape: FashionCNNShape, maxBatch: Int) {
    features = Tensor([maxBatch * shape.hidden])
    pool2 = Tensor([maxBatch * shape.flattened])
    act2 = Tensor([maxBatch * shape.conv2 * 14 * 14])
    pool1 = Tensor([maxBatch * shape.conv1 * 14 * 14])
    act1 = Tensor([maxBatch * shape.conv1 * 28 * 28])
  }
}
