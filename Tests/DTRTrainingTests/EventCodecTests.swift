import DTRModels
import DTRTraining
import Foundation
import XCTest

/// Every event kind round-trips through its type, and docs/events.md documents every kind and key.
final class EventCodecTests: XCTestCase {
  static let samples: [TrainingEvent.Payload] = {
    var config = TrainConfig()
    config.model = ModelConfig.preset("tiny")!
    return [
      .runStart(RunStart(config: config, resumed: true, epoch: 2, totalSteps: 4000, stepsPerEpoch: 468, params: 12345,
                         runDir: "runs/x")),
      .step(StepMetrics(epoch: 3, loss: 0.25, lr: 1e-4, gradNorm: 1.5, imgPerS: 700, bucketLoss: [0.1, nil, 0.3])),
      .epochEnd(EpochEnd(epoch: 3, meanLoss: 0.2, seconds: 61)),
      .hparamChange(HparamChange(name: .beta, old: 0.8, new: 0.5, source: "control", epoch: 4, id: "h-1-2")),
      .hparamStaged(HparamStaged(name: .alpha, new: 2, epoch: 4)),
      .hparamUnstaged(HparamUnstaged(name: .lr, reason: "user")),
      .command(CommandAnswer(id: "h-1-3", cmd: "stage", status: .rejected, reason: "beta must be in (0, 1] (got 2.0)")),
      .checkpoint(CheckpointWritten(path: "runs/x/ckpt-00000010.safetensors", reason: "timed")),
      .samples(SamplesWritten(path: "runs/x/samples-00000010.png", rows: 10, cols: 10)),
      .pause(Paused(at: "epoch")),
      .resume(Resumed()),
      .alert(Alert(level: "warning", message: "a \"quoted\" message")),
      .evalProgress(EvalProgress(done: 5, total: 80, phase: "sampling")),
      .eval(Evaluation(name: "FID-2k", fid2k: 40.5, kid: 0.03, kidStd: 0.001, evaluator: "fmnist-cnn-v1", seconds: 90,
                       samples: 2000, epoch: 2)),
      .eval(Evaluation(name: "FID-2k", fid2k: 9.16, kid: 0.002, kidStd: 0.001, evaluator: "fmnist-cnn-v1", seconds: 19,
                       samples: 2000, epoch: 4, precision: "bf16")),
      .eval(Evaluation(name: "crop FID-200", fid2k: 210.5, kid: nil, kidStd: nil, evaluator: "fmnist-cnn-v1", seconds: 30,
                       samples: 200, epoch: 3, captionAccuracy: 0.035, classAccuracy: 0.15)),
      .runEnd(RunEnd(reason: "finished", epoch: 10)),
      .affinity(TaskAffinity.Result(buckets: 2, edges: [0, 500, 1000], cosine: [[1, -0.25], [-0.25, 1]],
                                    cosineRouted: [[1, 0.5], [0.5, 1]], lookahead: [[0.01, -0.002], [0.003, 0.02]],
                                    conflictRate: 1, eta: 0.001, seconds: 2.5)),
    ]
  }()

  func testEveryKindRoundTripsThroughItsType() {
    XCTAssertEqual(Set(Self.samples.map { TrainingEvent($0, step: 0).kind }), Set(TrainingEvent.Kind.allCases))
    for p in Self.samples {
      let e = TrainingEvent(p, step: 17, time: 1_700_000_000.5)
      let line = EventCodec.encode(e)
      XCTAssertFalse(line.contains("\n"))
      XCTAssertEqual(EventCodec.decode(Substring(line)), e, line)
    }
  }

  func testUnknownKindsAndKeysFromANewerVersionAreSkippedNotFatal() {
    XCTAssertNil(EventCodec.decode(#"{"type":"hologram","time":1,"step":2,"x":1}"#))
    let e = EventCodec.decode(#"{"type":"pause","time":1,"step":2,"at":"epoch","colour":"blue"}"#)
    XCTAssertEqual(e?.payload, .pause(Paused(at: "epoch")))
    XCTAssertNil(EventCodec.decode(#"{"type":"pause","time":1,"st"#), "a partial line")
    // A run_start of schema 1 (a flat summary) still yields its model and lr.
    let old = EventCodec.decode(#"{"type":"run_start","time":1,"step":0,"config":{"lr":0.0005,"preset":"tiny","model":{"hidden":64}}}"#)
    guard case .runStart(let s) = old?.payload else { return XCTFail("schema-1 run_start not read") }
    XCTAssertEqual(s.schema, 1)
    XCTAssertEqual(s.config.lr, 0.0005)
    XCTAssertEqual(s.config.model.hidden, 64)
  }

  /// docs/events.md has a row per kind that names every key the kind writes.
  func testDocsDescribeEveryKindAndKey() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let doc = try String(contentsOf: root.appendingPathComponent("docs/events.md"), encoding: .utf8)
    for p in Self.samples {
      let line = EventCodec.encode(TrainingEvent(p, step: 0))
      let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let kind = object["type"] as! String
      let row = try XCTUnwrap(doc.split(separator: "\n").last { $0.hasPrefix("| `\(kind)` |") }, "no row for \(kind)")
      for key in object.keys where !["type", "time", "step"].contains(key) {
        XCTAssertTrue(row.contains("`\(key)`"), "docs/events.md: \(kind) does not mention `\(key)`")
      }
    }
  }
}
