import ArgumentParser
import DTRData
import DTREvaluation
import DTRMetrics
import Foundation

/// `dtr evaluator`: train or test the frozen feature network behind every metric.
struct EvaluatorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluator",
    abstract: "Train or test the Fashion-MNIST CNN whose features FID/KID/PR/IS use (\(EvaluatorFiles.tag)).",
    subcommands: [Train.self, Test.self])

  /// `dtr evaluator train`: train the CNN on the train split and write weights plus test statistics.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the evaluator CNN on the Fashion-MNIST train split; writes the weights and the test-set statistics.")

    @Option(help: "Passes over the training images.") var epochs = EvaluatorTraining.Options().epochs
    @Option(help: "Seed of initialisation, shuffles and flips.") var seed: UInt64 = 0
    @Option(help: "Weights file to write (the statistics go beside it).") var out = "evaluator/\(EvaluatorFiles.weightsFileName)"
    @Option(help: "Fashion-MNIST directory.") var dataDir = FashionMNIST.defaultDirectory

    func validate() throws {
      if epochs < 1 { throw ValidationError("--epochs must be ≥ 1") }
    }

    func run() throws {
      var options = EvaluatorTraining.Options()
      options.epochs = epochs
      options.seed = seed
      options.dataDirectory = dataDir
      let result = try EvaluatorTraining.train(options) { line in printError(line) }
      let sha = try EvaluatorTraining.save(result, options: options, tag: EvaluatorFiles.tag, to: out)
      print(String(format: "test accuracy %.4f after %d epochs (%.0f s)", result.testAccuracy, epochs, result.seconds))
      print("wrote \(out) and \(EvaluatorFiles.statisticsPath(besideWeights: out))")
      print("sha256 \(sha)")
      if sha != EvaluatorFiles.weightsSHA256 {
        print("note: this differs from the pinned \(EvaluatorFiles.tag) hash; metrics from it are not comparable with \(EvaluatorFiles.tag)'s")
      }
    }
  }

  /// `dtr evaluator test`: top-1 accuracy of the evaluator on the test split.
  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report the evaluator's accuracy on the 10 000 test images.")

    @Option(help: "Weights file (default: the pinned shipped file; another file skips the hash check).")
    var weights: String?
    @Option(help: "Fashion-MNIST directory.") var dataDir = FashionMNIST.defaultDirectory
    @Flag(help: "Also score 10 000 training images against the test set (FID/KID/PR/IS floors) and the test-set IS.")
    var floors = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let evaluator = try Evaluator.load(weightsPath: weights, verify: weights == nil)
      let test = try FashionMNIST.load(split: .test, directory: dataDir)
      let started = Date()
      let accuracy = evaluator.network.accuracy(on: test)
      let seconds = Date().timeIntervalSince(started)
      let rate = Double(test.count) / seconds
      var object: [String: Any] = ["accuracy": accuracy, "evaluator": evaluator.tag, "images": test.count,
                                   "seconds": seconds, "images_per_second": rate]
      if !json {
        print(String(format: "%@: test accuracy %.4f on %d images (%.2f s, %.0f img/s)", evaluator.tag, accuracy,
                     test.count, seconds, rate))
      }
      if floors {
        let floorStarted = Date()
        let (report, testIS) = try evaluator.floors(dataDirectory: dataDir)
        let floorSeconds = Date().timeIntervalSince(floorStarted)
        if json {
          let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report))
          object["train_vs_test"] = encoded
          object["test_is"] = testIS.mean
          object["test_is_std"] = testIS.std
          object["floors_seconds"] = floorSeconds
        } else {
          print("floors: 10 000 train images scored against the test set")
          try printReport(report, json: false, details: [])
          print(String(format: "IS of the test set: %.3f ± %.3f (%.0f s for the floors)", testIS.mean, testIS.std,
                       floorSeconds))
        }
      }
      if json {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
      }
    }
  }
}

/// Writes `message` and a newline to stderr.
func printError(_ message: String) {
  writeStderr(message + "\n")
}

