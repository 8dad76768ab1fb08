import DTRTraining
import Foundation
import XCTest

/// A long log opens newest first and hands out the whole file behind, in order and in bounded chunks.
final class EventFollowerTests: XCTestCase {
  func temporaryLog() throws -> String {
    let dir = NSTemporaryDirectory() + "follow-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return RunFolder(dir).events
  }

  func allEvents(_ path: String) throws -> [TrainingEvent] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap(EventCodec.decode)
  }

  func testAShortLogIsReadWholeWithNoHistory() throws {
    let path = try temporaryLog()
    try SyntheticRunLog.write(steps: 100, to: path)
    let follower = EventFollower(path: path, tailBytes: 1 << 20)
    XCTAssertEqual(follower.read(), try allEvents(path))
    XCTAssertNil(follower.readHistory())
  }

  /// `readAll` gives every record of a log longer than the tail a follower opens with (experiment results
  /// once lost the early evaluations of a 5000-step cell this way).
  func testReadAllGivesEveryRecordOfALongLog() throws {
    let path = try temporaryLog()
    try SyntheticRunLog.write(steps: 20_000, to: path)
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    XCTAssertGreaterThan(size, 1 << 20, "longer than the default tail")
    XCTAssertEqual(EventFollower.readAll(path: path), try allEvents(path))
  }

  /// The first read gives the run's first record and the newest ones; the history chunks then give every
  /// record in file order, including a line longer than a chunk, up to where the reads have got (a
  /// partial last line stays out until it is complete).
  func testALongLogOpensNewestFirstAndHandsOutTheWholeFileBehind() throws {
    let path = try temporaryLog()
    try SyntheticRunLog.write(steps: 2_000, to: path)
    let long = Alert(level: "warning", message: String(repeating: "x", count: 30_000))
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: 100_000)
    let tail = try handle.readToEnd()!
    try handle.truncate(atOffset: 100_000)
    let rest = tail.firstIndex(of: UInt8(ascii: "\n"))! + 1
    try handle.write(contentsOf: tail[..<rest] + Data((EventCodec.encode(TrainingEvent(.alert(long), step: 7)) + "\n").utf8)
      + tail[rest...])
    try handle.close()
    let all = try allEvents(path)

    let follower = EventFollower(path: path, tailBytes: 50_000, chunkBytes: 20_000)
    let newest = follower.read()
    XCTAssertEqual(newest.first, all.first, "the run_start that opens the log")
    XCTAssertEqual(Array(newest.dropFirst()), Array(all.suffix(newest.count - 1)))
    XCTAssertLessThan(newest.count, 200)

    let partial = EventCodec.encode(TrainingEvent(.runEnd(RunEnd(reason: "finished", epoch: 4)), step: 2_000))
    let appender = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try appender.seekToEnd()
    try appender.write(contentsOf: Data(partial.prefix(10).utf8))
    XCTAssertEqual(follower.read(), [])

    var history: [TrainingEvent] = []
    var fractions: [Double] = []
    while let chunk = follower.readHistory() {
      history += chunk.events
      fractions.append(chunk.fraction)
      XCTAssertEqual(chunk.isComplete, chunk.fraction == 1)
    }
    XCTAssertEqual(history, all, "every record once, in order")
    XCTAssertEqual(fractions, fractions.sorted())
    XCTAssertGreaterThan(fractions.count, 30)

    try appender.write(contentsOf: Data((partial.dropFirst(10) + "\n").utf8))
    try appender.close()
    XCTAssertEqual(follower.read().map(\.kind), [.runEnd])
    XCTAssertNil(follower.readHistory())
  }

  /// A file replaced by a shorter one is read again from its start, as reads and as history.
  func testAReplacedFileStartsTheHistoryAgain() throws {
    let path = try temporaryLog()
    try SyntheticRunLog.write(steps: 2_000, to: path)
    let follower = EventFollower(path: path, tailBytes: 50_000, chunkBytes: 20_000)
    _ = follower.read()
    XCTAssertEqual(follower.readHistory()?.isFirst, true)
    XCTAssertEqual(follower.readHistory()?.isFirst, false)
    try SyntheticRunLog.write(steps: 50, to: path)
    let replaced = try allEvents(path)
    XCTAssertEqual(follower.read(), replaced)
    XCTAssertEqual(follower.readHistory(), EventHistory(events: replaced, isFirst: true, isComplete: true, fraction: 1))
    XCTAssertNil(follower.readHistory())
  }
}
