import DTREngine
import DTRFormats
import DTRTestSupport
import DTRTraining
import DTRWorkbench
import Foundation
import XCTest

/// The run directory is the interface (issue #12), on the real binary: a run killed with `kill -9` and
/// resumed ends where an unkilled run ends, bit for bit; a resume keeps the saved plan; one trainer per run.
final class RunDirectoryTests: XCTestCase {
  /// A run that trains in seconds.
  static func tinyRun(steps: Int = 300, checkpointEveryMinutes: String = "0.005") -> [String] {
    ["--preset", "tiny", "--batch", "64", "--steps", "\(steps)", "--checkpoint-every-minutes", checkpointEveryMinutes,
     "--sample-every", "0", "--eval-every", "0", "--seed", "3"]
  }

  /// Five `kill -9` at seeded random moments while training (checkpoints every 0.3 s), each followed by
  /// `dtr train --resume`: the final weights equal those of a run never killed nor checkpointed on the way,
  /// every line of events.jsonl decodes, and a reader that honours the resume marks sees each step once.
  func testKilledFiveTimesAndResumedEndsBitIdenticalToAnUnkilledRun() throws {
    _ = try BuiltBinary.path()
    let dir = TemporaryDirectory()
    defer { dir.cleanUp() }
    let reference = dir.file("reference"), killed = dir.file("killed")
    let unkilled = try TrainerProcess(Self.tinyRun(checkpointEveryMinutes: "0"), runDirectory: reference)
    XCTAssertEqual(unkilled.wait(), 0, unkilled.tail())

    var random = SplitMix64(seed: 20_261_201)
    var trainer = try TrainerProcess(Self.tinyRun(), runDirectory: killed)
    for target in (0..<5).map({ _ in 20 + random.nextInt(220) }).sorted() {
      // Training (a few steps since it started), past the target, with a checkpoint since it started.
      try trainer.waitUntil("step \(target) after a checkpoint") { since in
        let steps = since.steps
        return steps.count >= 3 && steps.last!.step >= target && since.contains { $0.kind == .checkpoint }
      }
      usleep(useconds_t(random.nextInt(150_000)))
      XCTAssertEqual(trainer.stop(with: SIGKILL).reason, .uncaughtSignal, "killed while training: \(trainer.tail())")
      trainer = try TrainerProcess(["--resume"], runDirectory: killed)
    }
    XCTAssertEqual(trainer.wait(), 0, trainer.tail())

    let a = try SafeTensorsFile.read(from: RunFolder(reference).last), b = try SafeTensorsFile.read(from: RunFolder(killed).last)
    let weights = a.names.filter { $0.hasPrefix("model.") || $0.hasPrefix("ema.") }
    XCTAssertGreaterThan(weights.count, 20)
    XCTAssertEqual(weights, b.names.filter { $0.hasPrefix("model.") || $0.hasPrefix("ema.") })
    for name in weights { XCTAssertTrue(a[name] == b[name], "\(name) differs from the unkilled run's") }

    let text = try String(contentsOfFile: RunFolder(killed).events, encoding: .utf8)
    XCTAssertTrue(text.hasSuffix("\n"), "no partial last line")
    let lines = TrainerProcess.lines(of: killed)
    for (i, line) in lines.enumerated() { XCTAssertNotNil(EventCodec.decode(line), "line \(i + 1): \(line.prefix(100))") }
    let events = lines.compactMap(EventCodec.decode)
    XCTAssertEqual(events.filter { if case .runStart(let s) = $0.payload { return s.resumed } else { return false } }.count, 5)
    XCTAssertGreaterThan(events.filter { $0.kind == .step }.count, 300, "the kills lost steps, which were trained again")
    var reader = WorkbenchModel(runDirectory: killed)
    for e in events { reader.apply(e) }
    XCTAssertEqual(reader.lossHistory.points.map(\.firstStep), Array(1...300), "each step once, in order")
    XCTAssertEqual(reader.lossHistory.stepCount, 300)
    XCTAssertEqual(reader.endReason, "finished")
  }

  /// A resume keeps the saved plan (`--epochs 3`), applies `--lr` as a logged change, and refuses a flag
  /// that would change the model without touching the run.
  func testResumeKeepsThePlanLogsTheLRAndRefusesAnotherPreset() throws {
    _ = try BuiltBinary.path()
    let dir = TemporaryDirectory()
    defer { dir.cleanUp() }
    let run = dir.file("plan")
    let plan = ["--preset", "tiny", "--batch", "1000", "--epochs", "3", "--checkpoint-every-minutes", "0",
                "--sample-every", "0", "--eval-every", "0"]
    func stopAfterAStep(_ trainer: TrainerProcess) throws {
      try trainer.waitUntil("a step") { !$0.steps.isEmpty }
      let end = trainer.stop(with: SIGTERM)
      XCTAssertEqual(end.reason, .exit)
      XCTAssertEqual(end.status, 0, "SIGTERM checkpoints and exits 0: \(trainer.tail())")
    }
    try stopAfterAStep(try TrainerProcess(plan, runDirectory: run))

    let resumed = try TrainerProcess(["--resume"], runDirectory: run)
    try stopAfterAStep(resumed)
    guard case .runStart(let start) = resumed.ownEvents.first?.payload else {
      return XCTFail("no run_start")
    }
    XCTAssertTrue(start.resumed)
    XCTAssertEqual(start.stepsPerEpoch, 60)
    XCTAssertEqual(start.totalSteps, 3 * start.stepsPerEpoch, "the resume keeps --epochs 3")

    let faster = try TrainerProcess(["--resume", "--lr", "2e-4"], runDirectory: run)
    try faster.waitUntil("the lr change") { since in
      since.contains {
        guard case .hparamChange(let c) = $0.payload else { return false }
        return c.name == .lr && c.new == 2e-4 && c.source == "cli"
      }
    }
    try stopAfterAStep(faster)

    let before = try Data(contentsOf: URL(fileURLWithPath: RunFolder(run).events))
    let refused = try BuiltBinary.run(["train", "--resume", "--preset", "base", "--run-dir", run, "--headless"])
    XCTAssertNotEqual(refused.code, 0)
    let errors = refused.stderr.split(separator: "\n").filter { $0.lowercased().hasPrefix("error:") }
    XCTAssertEqual(errors.count, 1, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("preset base") && refused.stderr.contains("preset tiny"), refused.stderr)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: RunFolder(run).events)), before, "events.jsonl untouched")
  }

  /// A second trainer on a run that is being trained exits at once, naming the holder; the first goes on.
  func testASecondTrainerIsRefusedAndTheFirstFinishesUntouched() throws {
    _ = try BuiltBinary.path()
    let dir = TemporaryDirectory()
    defer { dir.cleanUp() }
    let run = dir.file("shared")
    let first = try TrainerProcess(Self.tinyRun(steps: 150), runDirectory: run)
    try first.waitUntil("a checkpoint") { $0.contains { $0.kind == .checkpoint } }

    let second = try BuiltBinary.run(["train", "--resume", "--run-dir", run, "--headless"])
    XCTAssertTrue(first.process.isRunning, "the second trainer gave up while the first was still training")
    XCTAssertNotEqual(second.code, 0)
    let errors = second.stderr.split(separator: "\n").filter { $0.lowercased().hasPrefix("error:") }
    XCTAssertEqual(errors.count, 1, second.stderr)
    XCTAssertTrue(second.stderr.contains("is being trained by pid \(first.pid) "), second.stderr)

    XCTAssertEqual(first.wait(), 0, first.tail())
    let events = TrainerProcess.events(of: run)
    XCTAssertEqual(events.filter { $0.kind == .runStart }.count, 1, "the second trainer wrote nothing")
    XCTAssertEqual(events.filter { $0.kind == .step }.map(\.step), Array(1...150))
    guard case .runEnd(let end) = events.last?.payload else { return XCTFail("no run_end") }
    XCTAssertEqual(end.reason, "finished")
  }
}
