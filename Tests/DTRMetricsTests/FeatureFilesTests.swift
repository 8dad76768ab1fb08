import DTRFormats
import DTRMetrics
import Foundation
import XCTest

final class FeatureFilesTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtr-feature-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

  /// Writes `m` as a float32 (or float64) `.npy` file and returns its path.
  private func npy(_ name: String, _ m: FeatureMatrix, float64: Bool = false) throws -> String {
    let path = directory.appendingPathComponent(name).path
    let array = float64 ? RawTensor(m.values, shape: [m.rows, m.columns])
      : RawTensor(m.values.map(Float.init), shape: [m.rows, m.columns])
    try NpyFile.write(array, to: path)
    return path
  }

  func testReportFromFilesEqualsTheSuiteOnTheSameValues() throws {
    // Float32 files: compare against the suite run on the float32-rounded values.
    let real = Fixtures.features(rows: 400, columns: 12, seed: 71)
    let generated = Fixtures.features(rows: 300, columns: 12, seed: 72, shift: 0.35)
    let logits = Fixtures.features(rows: 300, columns: 10, seed: 73, scale: 3)
    func rounded(_ m: FeatureMatrix) -> FeatureMatrix {
      FeatureMatrix(rows: m.rows, columns: m.columns, values: m.values.map { Double(Float($0)) })
    }
    let fromFiles = try FeatureFiles.report(
      realFeatures: npy("real.npy", real), generatedFeatures: npy("gen.npy", generated),
      generatedLogits: npy("logits.npy", logits, float64: true), evaluatorTag: "fixture")
    let direct = try MetricSuite.report(real: rounded(real), generated: rounded(generated), generatedLogits: logits,
                                        evaluatorTag: "fixture")
    XCTAssertEqual(fromFiles, direct)
    XCTAssertEqual(fromFiles.sampleCount, 300)
    XCTAssertNotNil(fromFiles.isMean)
    XCTAssertGreaterThan(fromFiles.fid, 0)
  }

  func testFIDAgreesWithTheReferenceScript() throws {
    let real = Fixtures.features(rows: 500, columns: 16, seed: 74)
    let generated = Fixtures.features(rows: 500, columns: 16, seed: 75, scale: 1.2, shift: 0.3)
    let report = try FeatureFiles.report(realFeatures: npy("r.npy", real, float64: true),
                                         generatedFeatures: npy("g.npy", generated, float64: true), evaluatorTag: "t")
    guard let live = try ReferenceOracle.evaluate(
      "m1, s1 = R.feature_stats(A['g']); m2, s2 = R.feature_stats(A['r']); out['fid'] = float(R.fid_from_stats_eigh(m1, s1, m2, s2))", arrays: ["g": generated, "r": real]) else {
      throw XCTSkip("fid_ref.py with numpy/scipy is not available")
    }
    assertRelative(report.fid, live["fid"] as! Double, 1e-8, "FID vs fid_ref.py")
  }

  func testBadInputsGiveOneLineErrors() throws {
    let real = try npy("real.npy", Fixtures.features(rows: 50, columns: 8, seed: 76))
    let narrow = try npy("narrow.npy", Fixtures.features(rows: 50, columns: 6, seed: 77))
    let shortLogits = try npy("short.npy", Fixtures.features(rows: 40, columns: 10, seed: 78))
    let flat = directory.appendingPathComponent("flat.npy").path
    try NpyFile.write(RawTensor([Float](repeating: 1, count: 8), shape: [8]), to: flat)
    let cases: [(String, String?, String)] = [
      (narrow, nil, "feature columns"), (flat, nil, "shape (N, D)"), ("/nonexistent/x.npy", nil, "/nonexistent/x.npy"),
      (real, shortLogits, "40 logit rows"),
    ]
    for (generated, logits, message) in cases {
      XCTAssertThrowsError(try FeatureFiles.report(realFeatures: real, generatedFeatures: generated,
                                                   generatedLogits: logits, evaluatorTag: "t")) { error in
        let text = "\(error)"
        XCTAssertTrue(text.contains(message), text)
        XCTAssertFalse(text.contains("\n"), text)
      }
    }
  }
}
