import DTRData
import DTREngine
import DTRFormats
import DTRMetrics
import Foundation

/// The frozen feature network plus the test-set reference: turns images into features and logits and
/// scores generated images with FID, KID, precision/recall and IS, tagged with the evaluator's tag.
///
/// Generated images go through exactly the real images' preprocessing (``EvaluatorPixels``). Not
/// thread-safe: use one evaluator from one thread at a time.
public final class Evaluator: @unchecked Sendable {
  /// The tag every metric carries (`fmnist-cnn-v1` for the shipped weights).
  public let tag: String
  /// The feature network.
  public let network: FashionCNN
  /// The weights file's metadata (architecture, training seed and epochs, test accuracy…).
  public let metadata: [String: String]
  /// Cached float64 μ, Σ of the 10 000 test images' features.
  public let testStatistics: FeatureStatistics
  private var reference: (directory: String, set: ReferenceSet)?

  /// An evaluator around an already built network and its test statistics.
  public init(network: FashionCNN, tag: String, metadata: [String: String] = [:], testStatistics: FeatureStatistics) {
    self.network = network
    self.tag = tag
    self.metadata = metadata
    self.testStatistics = testStatistics
  }

  /// Loads the weights (from `weightsPath`, else ``EvaluatorFiles/locateWeights()``) and the statistics
  /// beside them. With `verify` the file's SHA-256 must be ``EvaluatorFiles/weightsSHA256``; without it
  /// any weights file with matching statistics is accepted (for a freshly trained network).
  public static func load(weightsPath: String? = nil, verify: Bool = true, maxBatch: Int = 256) throws -> Evaluator {
    let path = try weightsPath ?? EvaluatorFiles.locateWeights()
    let bytes: Data
    if verify {
      bytes = try EvaluatorFiles.verifiedBytes(path, expected: EvaluatorFiles.weightsSHA256)
    } else {
      guard let read = FileManager.default.contents(atPath: path) else {
        throw EvaluatorError("evaluator weights \(path) cannot be read; \(EvaluatorFiles.fix)")
      }
      bytes = read
    }
    let file: SafeTensorsFile
    do { file = try SafeTensorsFile(decoding: bytes, source: path) } catch {
      throw EvaluatorError("\(error); \(EvaluatorFiles.fix)")
    }
    let network = try FashionCNN(loading: file, maxBatch: maxBatch)
    let statistics: FeatureStatistics
    do {
      statistics = try StatisticsFile.read(from: EvaluatorFiles.statisticsPath(besideWeights: path),
                                           weightsSHA256: SHA256.hex(bytes))
    } catch {
      throw EvaluatorError("\(error); \(EvaluatorFiles.fix)")
    }
    return Evaluator(network: network, tag: file.metadata["tag"] ?? EvaluatorFiles.tag, metadata: file.metadata,
                     testStatistics: statistics)
  }

  /// Features and logits of `images` (`[N, 1, 28, 28]`, model outputs in about [−1, 1]), after clamping
  /// to [−1, 1] and quantising to 8 bits.
  public func features(images: Tensor) -> (features: FeatureMatrix, logits: FeatureMatrix) {
    precondition(images.shape.count == 4 && Array(images.shape.dropFirst()) == [1, 28, 28],
                 "images must be [N, 1, 28, 28], got \(images.shape)")
    return network.featuresAndLogits(count: images.shape[0]) { batch, start, n in
      EvaluatorPixels.fill(batch, fromGenerated: images, start: start, count: n)
    }
  }

  /// Features and logits of every image of `dataset` (8-bit pixels, scaled as the models see them).
  public func features(dataset: ImageDataset) -> (features: FeatureMatrix, logits: FeatureMatrix) {
    network.featuresAndLogits(of: dataset)
  }

  /// The test-split reference from `dataDirectory`, computed on first use and kept.
  public func referenceSet(dataDirectory: String = FashionMNIST.defaultDirectory) throws -> ReferenceSet {
    if let reference, reference.directory == dataDirectory { return reference.set }
    let set = try ReferenceSet(evaluator: self, dataDirectory: dataDirectory, statistics: testStatistics)
    reference = (dataDirectory, set)
    return set
  }

  /// FID, KID, precision/recall and IS of `generated` (`[N, 1, 28, 28]`) against the 10 000 test images.
  public func evaluate(generated: Tensor, dataDirectory: String = FashionMNIST.defaultDirectory) throws -> MetricReport {
    let reference = try referenceSet(dataDirectory: dataDirectory)
    let (features, logits) = self.features(images: generated)
    return try MetricSuite.report(real: reference.features, generated: features, generatedLogits: logits,
                                  realStatistics: reference.statistics, evaluatorTag: tag)
  }
}

extension Evaluator {
  /// The floors to quote beside any model's numbers: the first 10 000 training images scored as if they
  /// were generated (FID, KID, precision/recall, IS against the test set), and the IS of the test set
  /// itself (the practical IS ceiling).
  public func floors(dataDirectory: String = FashionMNIST.defaultDirectory) throws
    -> (trainVersusTest: MetricReport, testInceptionScore: InceptionScore) {
    let reference = try referenceSet(dataDirectory: dataDirectory)
    let train = try FashionMNIST.load(split: .train, directory: dataDirectory)
    let count = reference.features.rows
    let subset = ImageDataset(count: count, height: train.height, width: train.width,
                              pixels: Array(train.pixels.prefix(count * train.height * train.width)),
                              labels: Array(train.labels.prefix(count)))
    let (features, logits) = self.features(dataset: subset)
    let report = try MetricSuite.report(real: reference.features, generated: features, generatedLogits: logits,
                                        realStatistics: reference.statistics, evaluatorTag: tag)
    return (report, InceptionScore(logits: reference.logits, splits: MetricSuite.inceptionSplits))
  }
}
