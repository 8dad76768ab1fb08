import DTRData
import DTREngine
import DTRFormats
import DTRMetrics
import Foundation

/// Training the evaluator's ``FashionCNN`` on the Fashion-MNIST **train** split (the test split is only
/// scored, never trained on): AdamW with linear warm-up and cosine decay, seeded shuffles and flips, so a
/// given seed and epoch count give the same network on the same machine.
public enum EvaluatorTraining {
  /// Hyper-parameters of one training run.
  public struct Options: Sendable {
    /// Passes over the 60 000 training images.
    public var epochs = 10
    /// Seed of the initialisation, the shuffles and the flips.
    public var seed: UInt64 = 0
    /// Images per step.
    public var batch = 128
    /// Peak AdamW learning rate.
    public var learningRate = 2e-3
    /// AdamW's decoupled weight decay.
    public var weightDecay = 0.02
    /// Steps of linear warm-up before the cosine decay.
    public var warmupSteps = 200
    /// Random left–right flips of training images.
    public var randomFlip = true
    /// The Fashion-MNIST directory.
    public var dataDirectory = FashionMNIST.defaultDirectory

    /// The defaults above.
    public init() {}

    /// The settings as weights-file metadata.
    public var metadata: [String: String] {
      ["train_seed": "\(seed)", "train_epochs": "\(epochs)", "train_batch": "\(batch)", "train_lr": "\(learningRate)",
       "train_weight_decay": "\(weightDecay)", "train_flip": "\(randomFlip)", "train_split": "train (60000)"]
    }
  }

  /// A trained network and its score on the test split.
  public struct Result {
    /// The network (inference batch size = training batch size).
    public let network: FashionCNN
    /// Top-1 accuracy on the 10 000 test images.
    public let testAccuracy: Double
    /// Wall-clock training seconds.
    public let seconds: Double
  }

  /// Trains a network; `log` receives a progress line every 100 steps and a test-accuracy line per epoch.
  public static func train(_ options: Options, log: (String) -> Void) throws -> Result {
    let train = try FashionMNIST.load(split: .train, directory: options.dataDirectory)
    let test = try FashionMNIST.load(split: .test, directory: options.dataDirectory)
    let network = FashionCNN(maxBatch: options.batch, seed: options.seed)
    let optimizer = AdamW(network.parameters, lr: Float(options.learningRate), weightDecay: Float(options.weightDecay))
    let loader = DataLoader(dataset: train, batchSize: options.batch, seed: options.seed &+ 1, randomFlip: options.randomFlip)
    let images = Tensor([options.batch, 1, 28, 28])
    var labels = [Int32](repeating: 0, count: options.batch)
    let classes = network.shape.classes
    let probabilities = Tensor([options.batch, classes]), dLogits = Tensor([options.batch, classes])
    let totalSteps = options.epochs * loader.batchesPerEpoch
    let started = Date()
    var windowLoss = 0.0, windowCorrect = 0, windowSteps = 0, windowStart = Date()
    var accuracy = 0.0
    for step in 0..<totalSteps {
      optimizer.lr = Float(learningRate(step: step, total: totalSteps, options: options))
      loader.next(images: images, labels: &labels)
      network.forward(images)
      let loss = labels.withUnsafeBufferPointer {
        CrossEntropyOp.forward(logits: network.logits.data, labels: $0.baseAddress!, rows: options.batch,
                               classes: classes, probs: probabilities.data)
      }
      labels.withUnsafeBufferPointer {
        CrossEntropyOp.backward(probs: probabilities.data, labels: $0.baseAddress!, rows: options.batch,
                                classes: classes, dLogits: dLogits.data)
      }
      network.parameters.zeroGrad()
      network.backward(dLogits: dLogits)
      optimizer.update()

      windowLoss += Double(loss)
      windowCorrect += (0..<options.batch).filter { argmax(probabilities.data + $0 * classes, classes) == Int(labels[$0]) }.count
      windowSteps += 1
      if (step + 1) % 100 == 0 || step + 1 == totalSteps {
        let seconds = Date().timeIntervalSince(windowStart)
        log(String(format: "epoch %d step %d/%d loss %.4f train acc %.4f lr %.2e %.0f img/s", loader.epoch + 1,
                   step + 1, totalSteps, windowLoss / Double(windowSteps),
                   Double(windowCorrect) / Double(windowSteps * options.batch), Double(optimizer.lr),
                   Double(windowSteps * options.batch) / seconds))
        (windowLoss, windowCorrect, windowSteps, windowStart) = (0, 0, 0, Date())
      }
      if (step + 1) % loader.batchesPerEpoch == 0 {
        accuracy = network.accuracy(on: test)
        log(String(format: "epoch %d done: test accuracy %.4f (%.0f s)", (step + 1) / loader.batchesPerEpoch, accuracy,
                   Date().timeIntervalSince(started)))
      }
    }
    return Result(network: network, testAccuracy: accuracy, seconds: Date().timeIntervalSince(started))
  }

  /// Linear warm-up to the peak, then cosine decay to zero (Loshchilov & Hutter 2017, SGDR, without restarts).
  static func learningRate(step: Int, total: Int, options: Options) -> Double {
    if step < options.warmupSteps { return options.learningRate * Double(step + 1) / Double(options.warmupSteps) }
    let progress = Double(step - options.warmupSteps) / Double(max(1, total - options.warmupSteps))
    return options.learningRate * 0.5 * (1 + cos(Double.pi * progress))
  }

  /// Writes `result`'s weights to `weightsPath` (with `metadata`, the tag, the architecture, the training
  /// options and the test accuracy) and the test-set statistics beside them; returns the weights' SHA-256.
  public static func save(_ result: Result, options: Options, tag: String, to weightsPath: String) throws -> String {
    let test = try FashionMNIST.load(split: .test, directory: options.dataDirectory)
    let metadata = options.metadata.merging([
      "tag": tag, "test_accuracy": String(format: "%.4f", result.testAccuracy), "features": "fc1 after ReLU",
      "preprocessing": "clamp [-1,1], quantise to 8 bits v, input v/127.5-1",
    ]) { _, new in new }
    let encoded = result.network.weightsFile(metadata: metadata).encoded()
    try AtomicFile.write(encoded, to: weightsPath)
    let sha = SHA256.hex(encoded)
    let statistics = FeatureStatistics(result.network.featuresAndLogits(of: test).features)
    try StatisticsFile.write(statistics, metadata: ["tag": tag, "weights_sha256": sha, "split": "test"],
                             to: EvaluatorFiles.statisticsPath(besideWeights: weightsPath))
    return sha
  }
}

/// Index of the largest of `n` values.
func argmax(_ x: UnsafePointer<Float>, _ n: Int) -> Int {
  var best = 0
  for i in 1..<n where x[i] > x[best] { best = i }
  return best
}
