import DTRData
import DTREngine
import DTREvaluation
import Foundation
import XCTest

/// The shipped evaluator and the Fashion-MNIST splits, loaded once for all tests that need them.
enum ShippedEvaluator {
  /// The repository's `evaluator/` directory, found from this file's path.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("evaluator")

  /// The shipped weights file.
  static let weightsPath = directory.appendingPathComponent(EvaluatorFiles.weightsFileName).path

  /// The verified evaluator, or nil (with the reason in ``loadError``).
  static let evaluator: Evaluator? = try? Evaluator.load(weightsPath: weightsPath)
  /// Why ``evaluator`` is nil.
  static var loadError: String {
    do { _ = try Evaluator.load(weightsPath: weightsPath); return "loaded" } catch { return "\(error)" }
  }

  /// The test split, or nil when the data set is not installed.
  static let test: ImageDataset? = try? FashionMNIST.load(split: .test)
  /// The training split, or nil when the data set is not installed.
  static let train: ImageDataset? = try? FashionMNIST.load(split: .train)

  /// The evaluator, failing the test if the shipped file does not load.
  static func required(file: StaticString = #filePath, line: UInt = #line) throws -> Evaluator {
    guard let evaluator else {
      XCTFail(loadError, file: file, line: line)
      throw XCTSkip("no evaluator")
    }
    return evaluator
  }

  /// A split, or a skip when Fashion-MNIST is not installed.
  static func dataset(_ split: FashionMNIST.Split) throws -> ImageDataset {
    guard let d = split == .test ? test : train else {
      throw XCTSkip("Fashion-MNIST is not installed (\(FashionMNIST.fix))")
    }
    return d
  }

  /// `count` images of `dataset` from `start` as a `[count, 1, 28, 28]` tensor in [−1, 1], keeping only
  /// images whose label passes `keep`.
  static func images(_ dataset: ImageDataset, count: Int, keep: (UInt8) -> Bool = { _ in true }) -> Tensor {
    let out = Tensor([count, 1, 28, 28])
    var filled = 0
    for i in 0..<dataset.count where filled < count && keep(dataset.labels[i]) {
      for (j, v) in dataset.image(i).enumerated() { out.data[filled * 784 + j] = Float(v) / 127.5 - 1 }
      filled += 1
    }
    precondition(filled == count, "only \(filled) images pass the filter")
    return out
  }
}
