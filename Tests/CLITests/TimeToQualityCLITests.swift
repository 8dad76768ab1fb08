import DTRMetrics
import DTRTraining
import Foundation
import XCTest

/// `dtr bench time-to-quality` on a run log: the probes and the final FID-10k on the run's clock, the
/// targets reached, and the plot.
final class TimeToQualityCLITests: XCTestCase {
  func testARunsFIDIsPlacedOnItsMinutesWithTheFinalEvaluation() throws {
    let dir = NSTemporaryDirectory() + "dtr-ttq-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    let start = RunStart(config: TrainConfig(), resumed: false, epoch: 0, totalSteps: 900, stepsPerEpoch: 300, params: 1, runDir: dir)
    func probe(_ minute: Double, _ step: Int, _ fid: Double) -> TrainingEvent {
      TrainingEvent(.eval(Evaluation(name: "FID-2k", fid2k: fid, kid: 0.02, kidStd: 0.001, evaluator: "fmnist-cnn-v1",
                                     seconds: 30, samples: 2000, epoch: step / 300)), step: step, time: 5000 + minute * 60)
    }
    let events = [
      TrainingEvent(.runStart(start), step: 0, time: 5000), probe(10.5, 300, 35), probe(21, 600, 14.5),
      TrainingEvent(.checkpoint(CheckpointWritten(path: dir + "/ckpt-00000600.safetensors", reason: "periodic")), step: 600,
                    time: 5000 + 21 * 60 + 5),
      TrainingEvent(.runEnd(RunEnd(reason: "stopped", epoch: 3)), step: 800, time: 5000 + 30 * 60),
    ]
    try Data(events.map { EventCodec.encode($0) + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: RunFolder(dir).events))
    let report = MetricReport(fid: 8.25, kid: 0.004, kidStd: 0.0005, precision: 0.7, recall: 0.6, isMean: nil, isStd: nil,
                              evaluatorTag: "fmnist-cnn-v1", sampleCount: 10_000)
    try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: dir + "/final.json"))

    var early = report
    early.fid = 12.5
    try JSONEncoder().encode(early).write(to: URL(fileURLWithPath: dir + "/early.json"))

    let r = try BuiltBinary.run(["bench", "time-to-quality", "--run-dir", dir, "--final", dir + "/final.json",
                                 "--checkpoint-eval", "600=" + dir + "/early.json", "--plot-dir", dir + "/plot", "--json"])
    XCTAssertEqual(r.code, 0, r.stderr)
    let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let points = obj["points"] as! [[String: Any]]
    XCTAssertEqual(points.map { $0["fid"] as! Double }, [35, 14.5, 12.5, 8.25])
    XCTAssertEqual(points.map { $0["metric"] as! String }, ["FID-2k", "FID-2k", "FID-10k", "FID-10k"])
    XCTAssertEqual(points[1]["training_minutes"] as! Double, 21 - 1, accuracy: 1e-9, "two 30 s probes left out")
    XCTAssertEqual(points[2]["wall_minutes"] as! Double, 21 + 5.0 / 60, accuracy: 1e-9, "at its checkpoint")
    XCTAssertEqual(points[3]["wall_minutes"] as! Double, 30, accuracy: 1e-9)
    let targets = obj["targets"] as! [[String: Any]]
    let reached = targets.filter { $0["reached"] != nil }.map { "\($0["metric"]!) \($0["fid"]!)" }
    XCTAssertEqual(reached, ["FID-2k 20", "FID-10k 20", "FID-10k 10"])
    let tenK = targets.first { "\($0["metric"]!)" == "FID-10k" }!["reached"] as! [String: Any]
    XCTAssertEqual(tenK["step"] as! Int, 600, "FID-10k ≤ 20 first measured at the step-600 checkpoint")
    for file in ["time-to-quality.csv", "time-to-quality.gp", "time-to-quality.png"] {
      let size = try FileManager.default.attributesOfItem(atPath: dir + "/plot/" + file)[.size] as! Int
      XCTAssertGreaterThan(size, 100, file)
    }

    let table = try BuiltBinary.run(["bench", "time-to-quality", "--run-dir", dir])
    XCTAssertTrue(table.stdout.contains("FID-2k ≤ 20: first measured at 21.0 wall minutes (20.0 training), step 600"), table.stdout)
    XCTAssertTrue(table.stdout.contains("FID-2k ≤ 10: no evaluation at or below it"), table.stdout)

    let noCheckpoint = try BuiltBinary.run(["bench", "time-to-quality", "--run-dir", dir, "--checkpoint-eval", "300=" + dir + "/early.json"])
    XCTAssertNotEqual(noCheckpoint.code, 0)
    XCTAssertTrue(noCheckpoint.stderr.contains("no checkpoint at step 300"), noCheckpoint.stderr)

    let missing = try BuiltBinary.run(["bench", "time-to-quality", "--run-dir", dir + "/nope"])
    XCTAssertNotEqual(missing.code, 0)
    XCTAssertTrue(missing.stderr.contains("events.jsonl not found"), missing.stderr)
  }
}
