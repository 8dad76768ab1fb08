import DTREvaluation
import Foundation
import XCTest

final class EvaluatorFilesTests: XCTestCase {
  func testShippedWeightsMatchThePinnedHash() throws {
    let bytes = try XCTUnwrap(FileManager.default.contents(atPath: ShippedEvaluator.weightsPath))
    XCTAssertLessThan(bytes.count, 2_000_000)
    XCTAssertEqual(SHA256.hex(bytes), EvaluatorFiles.weightsSHA256)
    let evaluator = try ShippedEvaluator.required()
    XCTAssertEqual(evaluator.tag, EvaluatorFiles.tag)
    XCTAssertEqual(evaluator.network.shape, FashionCNNShape())
    XCTAssertEqual(evaluator.testStatistics.count, 10_000)
    XCTAssertGreaterThanOrEqual(Double(evaluator.metadata["test_accuracy"] ?? "") ?? 0, 0.91)
  }

  func testAlteredWeightsFailWithOneLineNamingFileAndFix() throws {
    var bytes = try XCTUnwrap(FileManager.default.contents(atPath: ShippedEvaluator.weightsPath))
    bytes[bytes.count - 1] ^= 1
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtr-evaluator-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent(EvaluatorFiles.weightsFileName).path
    try bytes.write(to: URL(fileURLWithPath: path))
    for candidate in [path, directory.appendingPathComponent("missing.safetensors").path] {
      XCTAssertThrowsError(try Evaluator.load(weightsPath: candidate)) { error in
        let text = "\(error)"
        XCTAssertTrue(text.contains(candidate), text)
        XCTAssertTrue(text.contains("git checkout") && text.contains("dtr evaluator train"), text)
        XCTAssertFalse(text.contains("\n"), text)
      }
    }
  }

  func testWeightsAreLookedUpFromEnvironmentThenWorkingDirectoryThenExecutable() {
    let paths = EvaluatorFiles.candidates(environment: [EvaluatorFiles.environmentVariable: "/opt/w.safetensors"],
                                          currentDirectory: "/work/repo", executable: ".build/release/dtr")
    XCTAssertEqual(paths, [
      "/opt/w.safetensors", "/work/repo/evaluator/fmnist-cnn-v1.safetensors",
      "/work/repo/evaluator/fmnist-cnn-v1.safetensors", "/work/evaluator/fmnist-cnn-v1.safetensors",
    ])
    // A directory in the variable means the file inside it.
    let inDirectory = EvaluatorFiles.candidates(environment: [EvaluatorFiles.environmentVariable: ShippedEvaluator.directory.path],
                                                currentDirectory: "/", executable: "/usr/bin/dtr")
    XCTAssertEqual(inDirectory.first, ShippedEvaluator.weightsPath)
  }
}
