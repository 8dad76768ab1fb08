import DTREngine
import DTRTraining
import DTRWorkbench
import XCTest

final class SessionTests: XCTestCase {
  func testRunClientFollowsAGrowingFileWithAPartialLastLine() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-follow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let watcher = RunClient(runDirectory: dir.path, readOnly: true)
    XCTAssertTrue(watcher.isReadOnly)
    XCTAssertEqual(watcher.drainEvents(), [], "no file yet")

    let lines = [Fixtures.runStart(), Fixtures.step(1, loss: 0.9), Fixtures.step(2, loss: 0.8)].map(EventCodec.encode)
    let third = lines[2]
    let cut = third.index(third.startIndex, offsetBy: 10)
    let path = dir.appendingPathComponent("events.jsonl").path
    try (lines[0] + "\n" + lines[1] + "\n" + third[..<cut]).write(toFile: path, atomically: false, encoding: .utf8)
    XCTAssertEqual(watcher.drainEvents().map(\.kind), [.runStart, .step])
    XCTAssertEqual(watcher.drainEvents(), [], "partial line waits")

    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((third[cut...] + "\n").utf8))
    try handle.close()
    let rest = watcher.drainEvents()
    XCTAssertEqual(rest.map(\.step), [2])
    XCTAssertEqual(rest.first, Fixtures.step(2, loss: 0.8))

    XCTAssertNil(watcher.send(.stop), "read-only: nothing sent")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("control.jsonl").path))
    let steering = RunClient(runDirectory: dir.path, readOnly: false)
    XCTAssertNil(steering.send(.stop), "no trainer holds the run")
    XCTAssertTrue(steering.drainEvents().contains {
      if case .alert(let a) = $0.payload { return a.message.contains("no trainer is running") }
      return false
    })
  }

  func testModelReadsConfigAndTracksState() {
    var m = Fixtures.model([Fixtures.runStart(), Fixtures.step(10, loss: 0.5, epoch: 1)])
    XCTAssertEqual(m.config?.hidden, 8)
    XCTAssertEqual(m.config?.timesteps, 4)
    XCTAssertEqual(m.config?.routing, .dtr)
    XCTAssertEqual(m.config?.seed, 7)
    XCTAssertEqual(m.runState, .running)
    XCTAssertEqual(m.totalSteps, 1000)
    XCTAssertEqual(m.epoch, 1)
    XCTAssertEqual(m.eta!, 990.0 * 128 / 500, accuracy: 1e-9)
    m.apply(Fixtures.at(10, .evalProgress(EvalProgress(done: 1, total: 2, phase: "x"))))
    XCTAssertEqual(m.runState, .evaluating)
    m.apply(Fixtures.at(10, .eval(Evaluation(name: "FID-2k", fid2k: 50, kid: nil, kidStd: nil, evaluator: nil, seconds: nil,
                                             samples: nil, epoch: 1))))
    XCTAssertEqual(m.runState, .running)
    m.apply(Fixtures.at(11, .hparamStaged(HparamStaged(name: .alpha, new: 2, epoch: 5))))
    XCTAssertEqual(m.staged[.alpha]?.value, 2)
    XCTAssertEqual(m.staged[.alpha]?.epoch, 5)
    m.apply(Fixtures.at(11, .pause(Paused(at: "step"))))
    XCTAssertNil(m.imagesPerSecond, "a paused run shows no throughput")
    XCTAssertNil(m.eta)
    m.apply(Fixtures.at(12, .runEnd(RunEnd(reason: "stopped", epoch: 1))))
    XCTAssertEqual(m.runState, .stopped)
    XCTAssertEqual(m.log.last?.text, "run ended: stopped after epoch 1")
    m.apply(Fixtures.at(12, .runEnd(RunEnd(reason: "finished", epoch: 1))))
    XCTAssertEqual(m.runState, .finished)
  }

  /// A bf16 run says so where it starts; an fp32 run (the default) says nothing about precision.
  func testRunStartNamesABF16Run() {
    XCTAssertEqual(Fixtures.model([Fixtures.runStart()]).log.first?.text, "run started (preset tiny)")
    guard case .runStart(var s) = Fixtures.runStart().payload else { return XCTFail("not a run_start") }
    s.config.precision = .bf16
    let m = Fixtures.model([Fixtures.at(0, .runStart(s))])
    XCTAssertEqual(m.config?.precision, .bf16)
    XCTAssertEqual(m.log.first?.text, "run started (preset tiny, bf16)")
  }

  /// Withdrawn or refused staged changes leave every view; the answer to a command this view sent undoes
  /// its optimistic state.
  func testUnstagedAndRejectedChangesAreNoLongerShownAsStaged() {
    var m = Fixtures.model([Fixtures.runStart(), Fixtures.step(10, loss: 0.5, epoch: 1)])
    m.apply(Fixtures.at(11, .hparamStaged(HparamStaged(name: .beta, new: 0.3, epoch: 2))))
    m.apply(Fixtures.at(11, .hparamUnstaged(HparamUnstaged(name: .beta, reason: "user"))))
    XCTAssertTrue(m.staged.isEmpty)
    m.noteSent(.stage(.alpha, 3))
    m.awaitAnswer("id-1", to: .stage(.alpha, 3))
    XCTAssertEqual(m.staged[.alpha]?.value, 3)
    m.apply(Fixtures.at(12, .command(CommandAnswer(id: "id-1", cmd: "stage", status: .rejected, reason: "because"))))
    XCTAssertTrue(m.staged.isEmpty)
    XCTAssertEqual(m.rejection, "stage rejected: because")
  }

  /// A change staged while paused applies at once: it is never shown as waiting for an epoch, and the
  /// events say whether it applied at an epoch boundary or mid-epoch.
  func testAChangeStagedWhilePausedIsNotShownAsPending() {
    var c = WorkbenchController(model: Fixtures.model([Fixtures.runStart(), Fixtures.step(150, loss: 0.5, epoch: 2),
                                                       Fixtures.at(150, .pause(Paused(at: "step")))]), readOnly: false)
    _ = c.handle(.char("l"))
    for ch in "3e-4" { _ = c.handle(.char(ch)) }
    XCTAssertEqual(c.handle(.enter), [.send(.stage(.lr, 3e-4))])
    XCTAssertTrue(c.model.staged.isEmpty, "paused: nothing waits for an epoch")
    XCTAssertEqual(c.message?.text, "lr = 0.0003 applies at once (the run is paused)")
    c.model.apply(Fixtures.at(150, .hparamChange(HparamChange(name: .lr, old: 1e-4, new: 3e-4, source: "control", epoch: 2))))
    XCTAssertEqual(c.model.log.last?.text, "lr 1.0e-04 → 3.0e-04 (control) at once, in epoch 2")
    c.model.apply(Fixtures.at(200, .hparamChange(HparamChange(name: .beta, old: 0.5, new: 0.25, source: "control", epoch: 3))))
    XCTAssertEqual(c.model.log.last?.text, "beta 0.5 → 0.25 (control) from epoch 3")
  }

  /// The end of the last epoch does not start another: the status stays at epoch N of N.
  func testTheLastEpochsEndKeepsTheEpochCount() {
    var m = Fixtures.model([Fixtures.runStart(), Fixtures.step(900, loss: 0.5, epoch: 9)])
    m.apply(Fixtures.at(900, .epochEnd(EpochEnd(epoch: 9, meanLoss: 0.5, seconds: 1))))
    XCTAssertEqual(m.epoch, 10)
    m.apply(Fixtures.at(1000, .epochEnd(EpochEnd(epoch: 10, meanLoss: 0.5, seconds: 1))))
    XCTAssertEqual(m.epoch, 10, "not 11 of 10 while the last epoch's grid and FID run")
  }

  /// A resumed run drops what the interrupted run logged after the checkpoint, so no segment is doubled.
  func testResumeDropsRecordsPastTheCheckpoint() {
    var events = [Fixtures.runStart()] + (1...10).map { Fixtures.step($0, loss: 1) }
    events += [Fixtures.resumed(at: 6, epoch: 0)] + (7...12).map { Fixtures.step($0, loss: 0.5) }
    let m = Fixtures.model(events)
    XCTAssertEqual(m.lossHistory.points.map(\.lastStep), Array(1...12))
    XCTAssertEqual(m.lossHistory.points.suffix(6).map(\.mean), Array(repeating: 0.5, count: 6))
  }

  func testBucketHistoryStaysBounded() {
    var m = WorkbenchModel()
    for s in 0..<(WorkbenchModel.bucketCapacity + 1) { m.apply(Fixtures.step(s, loss: 1, buckets: [Double(s), nil])) }
    XCTAssertLessThanOrEqual(m.bucketRows.count, WorkbenchModel.bucketCapacity)
    XCTAssertEqual(m.bucketRows[0].losses[0], 0.5, "first two rows averaged")
    XCTAssertNil(m.bucketRows[0].losses[1])
    XCTAssertEqual(m.lossHistory.stepCount, WorkbenchModel.bucketCapacity + 1)
  }
}
