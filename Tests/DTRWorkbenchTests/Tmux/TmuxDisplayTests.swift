import DTRWorkbench
import Foundation
import XCTest

/// How the workbench reads at the sizes people use, checked on a finished one-epoch run watched with
/// `dtr watch` in tmux: the finished state, the help at 80×24, the too-small message at 20×8.
final class TmuxDisplayTests: XCTestCase {
  /// A finished one-epoch run, trained once for all the tests here.
  static let finishedRun: String = {
    let run = Tmux.scratch("finished")
    _ = system(Tmux.dtr("train --headless " + Tmux.trainFlags(run: run, epochs: 1)) + " 2>/dev/null")
    return run
  }()

  func watch(width: Int, height: Int) throws -> TmuxSession {
    try Tmux.requireTools()
    let run = Self.finishedRun
    XCTAssertTrue(Tmux.events(run).last?.contains("\"run_end\"") == true, "the fixture run did not finish")
    let tmux = TmuxSession(self, Tmux.dtr("watch \(run)"), width: width, height: height)
    XCTAssertTrue(Tmux.eventually { ["FINISHED", "too small"].contains(where: tmux.screen.contains) }, tmux.screen)
    return tmux
  }

  /// A finished run says FINISHED, with its epoch and step totals and no throughput or ETA.
  func testAFinishedRunReadsFinished() throws {
    let tmux = try watch(width: 120, height: 40)
    let status = tmux.statusLine
    for part in ["FINISHED", "WATCH (read-only)", "epoch 1/1", "step 30/30", "α 4 β 0.8"] {
      XCTAssertTrue(status.contains(part), "\(part) missing: \(status)")
    }
    XCTAssertFalse(status.contains("img/s") || status.contains("ETA"), status)
    XCTAssertTrue(tmux.screen.contains("run ended: finished after epoch 1"), tmux.screen)
  }

  /// At 80×24 the help scrolls with the keys its frame names, and every description can be read whole.
  func testEveryKeyIsReadableInTheHelpAt80x24() throws {
    let tmux = try watch(width: 80, height: 24)
    tmux.keys("?")
    XCTAssertTrue(tmux.waitFor("Keys  Up Down PgUp PgDn scroll, any other key closes"), tmux.screen)
    // The help box fills rows 1…22 and columns 1…78; its bottom edge says which rows it shows.
    var rows: [Int: String] = [:]
    var total = Int.max
    for _ in 0..<10 where rows.count < total {
      let lines = tmux.screen.split(separator: "\n", omittingEmptySubsequences: false)
        .map { Array($0.padding(toLength: 80, withPad: " ", startingAt: 0)) }
      let bottom = String(lines[22])
      guard let r = bottom.range(of: #"(\d+)–(\d+) of (\d+)"#, options: .regularExpression) else {
        return XCTFail("no position on the help's frame:\n\(tmux.screen)")
      }
      let numbers = bottom[r].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      total = numbers[2]
      for (i, row) in (numbers[0]...numbers[1]).enumerated() { rows[row] = String(lines[2 + i][2..<78]) }
      tmux.keys("PageDown")
    }
    XCTAssertEqual(rows.count, total, "PgDn pages through every row")
    // A description continues on the rows indented under it: read them as one text.
    let text = (1...max(total, 1)).compactMap { rows[$0] }.joined(separator: " ").split(separator: " ").joined(separator: " ")
    for b in KeyTable.bindings {
      let help = (b.help + (b.readOnly ? "" : " (read-only)")).split(separator: " ").joined(separator: " ")
      XCTAssertTrue(text.contains(help), "cannot read \"\(help)\" in\n\(text)")
    }
    XCTAssertFalse(tmux.screen.contains("more below"), "at the end")
    tmux.keys("PageUp")
    XCTAssertTrue(tmux.screen.contains("more below"), "PgUp scrolls back")
    tmux.keys("x")
    XCTAssertTrue(tmux.waitUntilGone("Keys  Up"), "any other key closes the help:\n\(tmux.screen)")
  }

  /// At 20×8 the too-small message is short enough to be read whole.
  func testTheTooSmallMessageFitsAt20x8() throws {
    let tmux = try watch(width: 20, height: 8)
    XCTAssertTrue(tmux.waitFor("too small"), tmux.screen)
    for line in ["too small", "need 80×24", "have 20×8", "q quit ? keys"] {
      XCTAssertTrue(tmux.screen.contains(line), "\(line) cut:\n\(tmux.screen)")
    }
  }
}
