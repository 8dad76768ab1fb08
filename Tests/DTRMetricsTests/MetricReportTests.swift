import DTRMetrics
import Foundation
import XCTest

final class MetricReportTests: XCTestCase {
  private func keys(_ report: MetricReport) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
  }

  func testJSONKeysAndRoundTrip() throws {
    let report = MetricReport(fid: 12.5, kid: 0.75, kidStd: 0.125, precision: 0.5, recall: 0.25, isMean: 7.5,
                              isStd: 0.0625, evaluatorTag: "fmnist-cnn-v1", sampleCount: 10_000)
    let json = try keys(report)
    XCTAssertEqual(Set(json.keys), ["fid", "kid", "kid_std", "precision", "recall", "is", "is_std", "evaluator", "samples"])
    XCTAssertEqual(json["is"] as? Double, 7.5)
    XCTAssertEqual(json["kid_std"] as? Double, 0.125)
    XCTAssertEqual(json["evaluator"] as? String, "fmnist-cnn-v1")
    XCTAssertEqual(json["samples"] as? Int, 10_000)
    XCTAssertEqual(try JSONDecoder().decode(MetricReport.self, from: JSONEncoder().encode(report)), report)
  }

  func testMissingMetricsAreNullButPresent() throws {
    let report = MetricReport(fid: 1, kid: 0, kidStd: 0, evaluatorTag: "t", sampleCount: 2000)
    let json = try keys(report)
    XCTAssertEqual(json.count, 9)
    for key in ["precision", "recall", "is", "is_std"] { XCTAssertTrue(json[key] is NSNull, key) }
    XCTAssertEqual(try JSONDecoder().decode(MetricReport.self, from: JSONEncoder().encode(report)), report)
  }

  func testAssemblesFromComputedMetrics() throws {
    let real = Fixtures.features(rows: 300, columns: 16, seed: 61)
    let gen = Fixtures.features(rows: 300, columns: 16, seed: 62, shift: 0.3)
    let fid = try FrechetDistance(FeatureStatistics(gen), FeatureStatistics(real))
    let kid = KernelInceptionDistance(real: real, generated: gen, subsetCount: 3, subsetSize: 100)
    let pr = PrecisionRecall(real: real, generated: gen)
    let report = MetricReport(fid: fid, kid: kid, precisionRecall: pr, evaluatorTag: "x", sampleCount: 300)
    XCTAssertEqual(report.fid, fid.value)
    XCTAssertEqual(report.kidStd, kid.std)
    XCTAssertEqual(report.recall, pr.recall)
    XCTAssertNil(report.isMean)
  }
}
