import DTRTraining
import XCTest

/// Evaluations land on the run's clock: sessions add up without the gap between them, evaluations and
/// pauses leave the training minutes, a cancelled evaluation counts until the stop.
final class QualityTimelineTests: XCTestCase {
  func start(_ time: Double, step: Int, resumed: Bool = false) -> TrainingEvent {
    TrainingEvent(.runStart(RunStart(config: TrainConfig(), resumed: resumed, epoch: 0, totalSteps: 1000, stepsPerEpoch: 100,
                                     params: 1, runDir: "r")), step: step, time: time)
  }

  func eval(_ time: Double, step: Int, fid: Double, seconds: Double) -> TrainingEvent {
    TrainingEvent(.eval(Evaluation(name: "FID-2k", fid2k: fid, kid: 0.01, kidStd: 0.001, evaluator: "e", seconds: seconds,
                                   samples: 2000, epoch: step / 100)), step: step, time: time)
  }

  func testMinutesCountOnlyWhileTheTrainerRanAndTrainingExcludesEvaluationsAndPauses() {
    var t = QualityTimeline(events: [
      start(1000, step: 0),
      TrainingEvent(.evalProgress(EvalProgress(done: 0, total: 2000, phase: "sampling")), step: 200, time: 1600),
      eval(1000 + 660, step: 200, fid: 40, seconds: 60),
      TrainingEvent(.pause(Paused(at: "epoch end")), step: 300, time: 1900),
      TrainingEvent(.resume(Resumed()), step: 300, time: 2020),
      TrainingEvent(.evalProgress(EvalProgress(done: 100, total: 2000, phase: "sampling")), step: 400, time: 2400),
      TrainingEvent(.runEnd(RunEnd(reason: "stopped", epoch: 4)), step: 400, time: 2430),
      TrainingEvent(.checkpoint(CheckpointWritten(path: "r/ckpt-00000400.safetensors", reason: "stop")), step: 400, time: 2430),
      start(9000, step: 400, resumed: true),
      eval(9000 + 300, step: 500, fid: 9.5, seconds: 30),
      TrainingEvent(.runEnd(RunEnd(reason: "finished", epoch: 5)), step: 500, time: 9360),
    ])
    XCTAssertEqual(t.points.map(\.fid), [40, 9.5])
    XCTAssertEqual(t.points[0].mark, .init(step: 200, wallMinutes: 11, trainingMinutes: 10))
    // Second session: 1430 s of the first (60 s evaluating, 120 s paused, 30 s in a cancelled evaluation)
    // plus 300 s, of which 30 s evaluating.
    XCTAssertEqual(t.points[1].mark.wallMinutes, (1430 + 300) / 60, accuracy: 1e-9)
    XCTAssertEqual(t.points[1].mark.trainingMinutes, (1430 + 300 - 60 - 120 - 30 - 30) / 60, accuracy: 1e-9)
    XCTAssertEqual(t.end?.step, 500)
    XCTAssertEqual(t.end!.wallMinutes, (1430 + 360) / 60, accuracy: 1e-9)
    XCTAssertEqual(t.firstReaching(10, name: "FID-2k")?.mark.step, 500)
    XCTAssertNil(t.firstReaching(5, name: "FID-2k"))

    XCTAssertTrue(t.appendEvaluation(ofCheckpointAt: nil, name: "FID-10k", fid: 8, kid: nil))
    XCTAssertEqual(t.points.last?.mark, t.end)
    XCTAssertEqual(t.firstReaching(10, name: "FID-10k")?.fid, 8)

    // The checkpoint written at the stop: its minutes, and the points stay in order of minutes.
    XCTAssertTrue(t.appendEvaluation(ofCheckpointAt: 400, name: "FID-10k", fid: 12, kid: nil))
    XCTAssertEqual(t.points.map(\.fid), [40, 12, 9.5, 8])
    XCTAssertEqual(t.points[1].mark.trainingMinutes, (1430 - 60 - 120 - 30) / 60, accuracy: 1e-9)
    XCTAssertFalse(t.appendEvaluation(ofCheckpointAt: 300, name: "FID-10k", fid: 1, kid: nil), "no checkpoint at 300")
  }

  /// A run killed after an evaluation and resumed from an earlier checkpoint loses that evaluation (its
  /// weights are gone) but not the minutes it cost.
  func testEvaluationsPastTheResumedCheckpointAreDropped() {
    let t = QualityTimeline(events: [
      start(0, step: 0), eval(600, step: 300, fid: 50, seconds: 20), eval(1200, step: 600, fid: 30, seconds: 20),
      start(5000, step: 500, resumed: true), eval(5300, step: 700, fid: 25, seconds: 20),
    ])
    XCTAssertEqual(t.points.map(\.mark.step), [300, 700])
    XCTAssertEqual(t.points[1].mark.wallMinutes, (1200 + 300) / 60, accuracy: 1e-9)
    XCTAssertEqual(t.points[1].mark.trainingMinutes, (1200 + 300 - 60) / 60, accuracy: 1e-9)
  }
}
