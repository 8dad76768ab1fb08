import DTRTraining
import DTRWorkbench
import Foundation
import XCTest

/// Runs of any length open at once (issue #12): the newest records first, the whole log behind them, in
/// bounded memory, ending in exactly the state of reading the log in order.
final class LongLogTests: XCTestCase {
  func temporaryRun() throws -> String {
    let dir = NSTemporaryDirectory() + "wb-long-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
  }

  /// A run of the paper's length (400k steps, one `step` event each, ~150 MB): the first frame within a
  /// second, then the history in bounded chunks into a model whose sizes stay within their capacities.
  func testA400kStepLogOpensAtOnceInBoundedMemory() throws {
    let dir = try temporaryRun()
    try SyntheticRunLog.write(steps: 400_000, to: RunFolder(dir).events)
    let t0 = Date()
    let client = RunClient(runDirectory: dir, readOnly: true)
    var controller = WorkbenchController(model: WorkbenchModel(runDirectory: dir), readOnly: true)
    let newest = client.drainEvents()
    for e in newest { controller.model.apply(e) }
    controller.fit(width: 160, height: 48)
    let frame = FrameRenderer().render(controller, width: 160, height: 48, RenderContext())
    XCTAssertLessThan(Date().timeIntervalSince(t0), 1, "time to the first frame")
    XCTAssertLessThan(newest.count, 5_000, "the first drain decodes only the newest records")
    XCTAssertTrue(frame.plainText.contains("step 400.0k"), "the first frame shows where the run is")
    XCTAssertNotNil(controller.model.config, "the run's first record (run_start) comes with the newest ones")

    var chunks = 0, largest = 0
    while let chunk = client.drainHistory() {
      controller.model.applyHistory(chunk)
      (chunks, largest) = (chunks + 1, max(largest, chunk.events.count))
      if !chunk.isComplete { XCTAssertEqual(controller.model.historyProgress, chunk.fraction) }
    }
    XCTAssertLessThan(Date().timeIntervalSince(t0), 15, "the whole history")
    XCTAssertGreaterThan(chunks, 10)
    XCTAssertLessThan(largest, 20_000, "the history comes in bounded chunks")
    let m = controller.model
    XCTAssertNil(m.historyProgress)
    XCTAssertEqual(m.lossHistory.stepCount, 400_000)
    XCTAssertEqual(m.lossHistory.lastStep, 400_000)
    let levels = Int(log2(400_000 / Double(m.lossHistory.pointsPerLevel))) + 1
    XCTAssertLessThanOrEqual(m.lossHistory.pointCount, 2 * m.lossHistory.pointsPerLevel * levels)
    XCTAssertLessThanOrEqual(m.bucketRows.count, WorkbenchModel.bucketCapacity)
    XCTAssertLessThanOrEqual(m.log.count, WorkbenchModel.logCapacity)
    XCTAssertEqual(m.sampleGrids.count, 400_000 / SyntheticRunLog.stepsPerEpoch)
    XCTAssertEqual(m.evaluations.count, 400_000 / SyntheticRunLog.stepsPerEpoch / 2)
    XCTAssertEqual(m.endReason, "finished")
  }

  /// Newest first, with a resume mark in the history and one among the newest records, and the log
  /// growing (a partial last line included) while the history is read: the final state is the state of
  /// reading the whole log in order.
  func testReadingNewestFirstEndsInTheStateOfReadingInOrder() throws {
    let dir = try temporaryRun()
    let path = RunFolder(dir).events
    try SyntheticRunLog.write(steps: 6_000, resumes: [.init(killedAt: 2_000, resumedFrom: 1_872),
                                                      .init(killedAt: 5_900, resumedFrom: 5_616)], to: path)
    let follower = EventFollower(path: path, tailBytes: 200_000, chunkBytes: 100_000)
    var shown = WorkbenchModel(runDirectory: dir)
    for e in follower.read() { shown.apply(e) }
    XCTAssertEqual(shown.step, 6_000)
    XCTAssertNotNil(shown.config)
    XCTAssertLessThan(shown.lossHistory.stepCount, 1_000, "only the newest records so far")
    let steps = shown.lossHistory.points.map(\.lastStep)
    XCTAssertEqual(steps, steps.sorted(), "the resume mark among the newest records is honoured")

    let more = (6_001...6_040).map { EventCodec.encode(Fixtures.step($0, loss: 0.01)) + "\n" }.joined()
    let cut = more.index(more.endIndex, offsetBy: -20)
    var chunks = 0
    while let chunk = follower.readHistory() {
      shown.applyHistory(chunk)
      chunks += 1
      if chunks == 2 {
        try append(String(more[..<cut]), to: path)
        for e in follower.read() { shown.apply(e) }
      }
    }
    XCTAssertGreaterThan(chunks, 10)
    try append(String(more[cut...]), to: path)
    for e in follower.read() { shown.apply(e) }

    var inOrder = WorkbenchModel(runDirectory: dir)
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
      if let e = EventCodec.decode(line) { inOrder.apply(e) }
    }
    XCTAssertEqual(inOrder.lossHistory.lastStep, 6_040)
    // (Equality checked without printing both sides: they are long.)
    XCTAssertTrue(shown.lossHistory == inOrder.lossHistory, "loss history")
    XCTAssertTrue(shown.bucketRows == inOrder.bucketRows, "per-timestep loss")
    XCTAssertTrue(shown.evaluations == inOrder.evaluations, "evaluations")
    XCTAssertTrue(shown.sampleGrids == inOrder.sampleGrids, "sample grids")
    XCTAssertTrue(shown.log == inOrder.log, "events list")
    XCTAssertTrue(shown.config == inOrder.config, "configuration")
    XCTAssertEqual(shown.step, inOrder.step)
    XCTAssertEqual(shown.epoch, inOrder.epoch)
  }

  /// A log replaced (by a shorter one) while its history is read: the state is rebuilt from the new log.
  func testAReplacedLogIsRebuiltFromTheNewOne() throws {
    let path = RunFolder(try temporaryRun()).events
    try SyntheticRunLog.write(steps: 3_000, to: path)
    let follower = EventFollower(path: path, tailBytes: 50_000, chunkBytes: 50_000)
    var shown = WorkbenchModel()
    for e in follower.read() { shown.apply(e) }
    for _ in 0..<2 { shown.applyHistory(follower.readHistory()!) }
    try SyntheticRunLog.write(steps: 700, to: path)
    for _ in 0..<10 {
      for e in follower.read() { shown.apply(e) }
      if let chunk = follower.readHistory() { shown.applyHistory(chunk) }
    }
    var fresh = WorkbenchModel()
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
      if let e = EventCodec.decode(line) { fresh.apply(e) }
    }
    XCTAssertNil(shown.historyProgress)
    XCTAssertEqual(shown.lossHistory.stepCount, 700)
    XCTAssertTrue(shown.lossHistory == fresh.lossHistory && shown.log == fresh.log, "the new log's state alone")
  }

  /// What this view sent while the history was read (a pause it waits for, staged values) outlives the
  /// switch to the state of the whole log.
  func testCommandsSentWhileTheHistoryIsReadOutliveTheSwitch() {
    let older = [Fixtures.runStart()] + (1...5).map { Fixtures.step($0, loss: 1) }
    let newest = (6...9).map { Fixtures.step($0, loss: 0.5) }
    var m = Fixtures.model([older[0]] + newest)
    m.applyHistory(EventHistory(events: Array(older.prefix(3)), isFirst: true, isComplete: false, fraction: 0.3))
    XCTAssertEqual(m.historyProgress, 0.3)
    m.noteSent(.pauseAtEpochEnd)
    m.awaitAnswer("id-1", to: .pauseAtEpochEnd)
    m.noteSent(.stage(.beta, 0.3))
    m.applyHistory(EventHistory(events: Array(older.dropFirst(3)) + newest, isFirst: false, isComplete: true, fraction: 1))
    XCTAssertNil(m.historyProgress)
    XCTAssertEqual(m.lossHistory.stepCount, 9)
    XCTAssertEqual(m.runState, .pausing)
    XCTAssertEqual(m.staged[.beta]?.value, 0.3)
    m.apply(Fixtures.at(9, .command(CommandAnswer(id: "id-1", cmd: "pause", status: .rejected, reason: "no"))))
    XCTAssertEqual(m.runState, .running, "the answer to the command sent before the switch is understood")
  }

  private func append(_ text: String, to path: String) throws {
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? h.close() }
    try h.seekToEnd()
    try h.write(contentsOf: Data(text.utf8))
  }
}
