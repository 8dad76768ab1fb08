import ArgumentParser
import DTRMetrics
import Foundation

/// `dtr metrics`: FID, KID, precision/recall and IS on feature arrays computed elsewhere.
struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics",
    abstract: "Compute FID, KID, precision/recall (and IS with logits) from .npy feature arrays.")

  @Option(help: "Real (reference) features, (N, D) float32/float64 .npy.") var realFeatures: String
  @Option(help: "Generated features, (M, D) .npy.") var genFeatures: String
  @Option(help: "Generated logits, (M, C) .npy, for IS.") var genLogits: String?
  @Option(help: "The feature extractor's tag, reported with the numbers.") var evaluatorTag = "external"
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let report = try FeatureFiles.report(realFeatures: realFeatures, generatedFeatures: genFeatures,
                                         generatedLogits: genLogits, evaluatorTag: evaluatorTag)
    try printReport(report, json: json, details: [])
  }
}

/// Prints `report` as sorted-key JSON (with `jsonContext`'s keys beside the metrics: how the images were
/// made), or as a table preceded by `details` (label, value) rows.
func printReport(_ report: MetricReport, json: Bool, details: [(String, String)], jsonContext: [String: Any] = [:]) throws {
  if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var object = try JSONSerialization.jsonObject(with: try encoder.encode(report)) as! [String: Any]
    object.merge(jsonContext) { metric, _ in metric }
    print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    return
  }
  func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "—" }
  let rows = details + [
    ("evaluator", report.evaluatorTag),
    ("samples", "\(report.sampleCount)"),
    (MetricSuite.fidName(samples: report.sampleCount), number(report.fid, "%.4f")),
    ("KID", "\(number(report.kid, "%.5f")) ± \(number(report.kidStd, "%.5f"))"),
    ("precision (k=3)", number(report.precision, "%.4f")),
    ("recall (k=3)", number(report.recall, "%.4f")),
    ("IS (10 splits)", report.isMean == nil ? "—" : "\(number(report.isMean, "%.3f")) ± \(number(report.isStd, "%.3f"))"),
  ]
  let width = rows.map(\.0.count).max() ?? 0
  for (label, value) in rows { print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
}
