import DTRTraining
import DTRWorkbench
import XCTest

final class SessionTests: XCTestCase {
  func testFollowerReadsAGrowingFileWithAPartialLastLine() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-follow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let follower = EventLogFollower(runDirectory: dir.path)
    XCTAssertTrue(follower.isReadOnly)
    XCTAssertEqual(follower.drainEvents(), [], "no file yet")

    let lines = [Fixtures.runStart(), Fixtures.step(1, loss: 0.9), Fixtures.step(2, loss: 0.8)].map(EventCodec.encode)
    let third = lines[2]
    let cut = third.index(third.startIndex, offsetBy: 10)
    let path = dir.appendingPathComponent("events.jsonl").path
    try (lines[0] + "\n" + lines[1] + "\n" + third[..<cut]).write(toFile: path, atomically: false, encoding: .utf8)
    XCTAssertEqual(follower.drainEvents().map(\.kind), [.runStart, .step])
    XCTAssertEqual(follower.drainEvents(), [], "partial line waits")

    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((third[cut...] + "\n").utf8))
    try handle.close()
    let rest = follower.drainEvents()
    XCTAssertEqual(rest.map(\.step), [2])
    XCTAssertEqual(rest.first?.double("loss"), 0.8)

    follower.send(.stop)  // ignored, must not crash
  }

  func testModelReadsConfigAndTracksState() {
    var m = Fixtures.model([Fixtures.runStart(), Fixtures.step(10, loss: 0.5, epoch: 1)])
    XCTAssertEqual(m.config?.hidden, 8)
    XCTAssertEqual(m.config?.timesteps, 4)
    XCTAssertEqual(m.config?.routing, .dtr)
    XCTAssertEqual(m.config?.seed, 7)
    XCTAssertEqual(m.runState, .running)
    XCTAssertEqual(m.totalSteps, 1000)
    XCTAssertEqual(m.eta!, 990.0 * 128 / 500, accuracy: 1e-9)
    m.apply(TrainingEvent(.evalProgress, step: 10, ["done": .number(1), "total": .number(2), "phase": .string("x")]))
    XCTAssertEqual(m.runState, .evaluating)
    m.apply(TrainingEvent(.eval, step: 10, ["fid2k": .number(50)]))
    XCTAssertEqual(m.runState, .running)
    m.apply(TrainingEvent(.hparamStaged, step: 11, ["name": .string("alpha"), "new": .number(2), "epoch": .number(5)]))
    XCTAssertEqual(m.staged[.alpha]?.value, 2)
    XCTAssertEqual(m.staged[.alpha]?.epoch, 5)
    m.apply(TrainingEvent(.runEnd, step: 12, ["reason": .string("stopped")]))
    XCTAssertEqual(m.runState, .stopped)
    XCTAssertEqual(m.log.last?.text, "run ended: stopped")
    let partial = WorkbenchModel.Config(["hidden": .number(64)])
    XCTAssertEqual(partial.hidden, 64)
    XCTAssertNil(partial.timesteps)
  }

  func testBucketHistoryStaysBounded() {
    var m = WorkbenchModel()
    for s in 0..<(WorkbenchModel.bucketCapacity + 1) { m.apply(Fixtures.step(s, loss: 1, buckets: [Double(s), nil])) }
    XCTAssertLessThanOrEqual(m.bucketRows.count, WorkbenchModel.bucketCapacity)
    XCTAssertEqual(m.bucketRows[0].losses[0], 0.5, "first two rows averaged")
    XCTAssertNil(m.bucketRows[0].losses[1])
    XCTAssertEqual(m.lossSteps.count, WorkbenchModel.bucketCapacity + 1)
  }
}
