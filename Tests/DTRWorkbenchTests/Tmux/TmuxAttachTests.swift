import Foundation
import XCTest

/// `dtr attach` steering a run that `dtr train --headless` trains in another process, at 80×24, while
/// `dtr watch` follows the same run in a second, 120×40 terminal: both show the same state.
final class TmuxAttachTests: XCTestCase {
  /// The first number after `prefix` on `line`.
  func number(after prefix: String, in line: String) -> Int? {
    guard let r = line.range(of: prefix) else { return nil }
    return Int(line[r.upperBound...].prefix { $0.isNumber })
  }

  func testAttachSteersAHeadlessRunDetachesAndStopsIt() throws {
    try Tmux.requireTools()
    let run = Tmux.scratch("attach"), exit = run + ".exit"
    try? FileManager.default.removeItem(atPath: exit)
    _ = TmuxSession(self, Tmux.dtr("train --headless " + Tmux.trainFlags(run: run, epochs: 200))
      + " 2>/dev/null; echo $? > \(exit); sleep 60")
    XCTAssertTrue(Tmux.eventually { Tmux.lastStep(run) > 0 }, "the trainer did not start")
    var attach = TmuxSession(self, Tmux.dtr("attach \(run)") + "; echo DETACHED; sleep 60", width: 80, height: 24)
    let watch = TmuxSession(self, Tmux.dtr("watch \(run)"), width: 120, height: 40)

    // Progress at 80 columns: epoch E/N, step S/T and the ETA; the wide watcher also shows img/s.
    XCTAssertTrue(attach.waitFor("RUNNING"), attach.screen)
    XCTAssertTrue(Tmux.eventually {
      let s = attach.statusLine
      return s.range(of: #"epoch \d+/200 │ step \d+/6000 │ ETA "#, options: .regularExpression) != nil
    }, attach.statusLine)
    XCTAssertTrue(watch.waitFor("img/s"), watch.screen)
    XCTAssertTrue(watch.statusLine.contains("WATCH (read-only)") && watch.statusLine.contains("ETA "), watch.statusLine)

    // p pauses at the end of the epoch: a paused run shows no throughput or ETA.
    attach.keys("p")
    XCTAssertTrue(attach.waitFor("PAUSED"), attach.screen)
    XCTAssertFalse(attach.statusLine.contains("ETA") || attach.statusLine.contains("img/s"), attach.statusLine)
    let next = try XCTUnwrap(number(after: "epoch ", in: attach.statusLine), attach.statusLine)

    // Resumed at the start of epoch `next`, p asks to pause at its end and β is staged meanwhile: status
    // line, editor and both terminals say it applies at epoch next + 1; at the boundary it does, and the
    // run pauses.
    attach.keys("p")
    XCTAssertTrue(attach.waitFor("RUNNING"), attach.screen)
    attach.keys("p", "b")
    attach.keys("0.5", "Enter")
    let pending = "pending: applies at epoch \(next + 1)"
    XCTAssertTrue(attach.waitFor(pending), attach.screen)
    XCTAssertTrue(attach.statusLine.contains(pending + "  β→0.5"), attach.statusLine)
    XCTAssertTrue(watch.waitFor(pending), watch.screen)
    attach.keys("Escape")
    XCTAssertTrue(attach.waitFor("PAUSED"), attach.screen)
    XCTAssertTrue(attach.statusLine.contains("epoch \(next + 1)/200") && attach.statusLine.contains("β 0.5"), attach.statusLine)
    XCTAssertFalse(attach.statusLine.contains("pending"), attach.statusLine)
    XCTAssertTrue(watch.waitFor("beta 0.8 → 0.5 (control) from epoch \(next + 1)"), watch.screen)
    XCTAssertTrue(watch.waitUntilGone("pending:"), watch.statusLine)

    // lr while paused applies at once: it never reads as pending.
    attach.keys("l")
    attach.keys("3e-4", "Enter")
    XCTAssertFalse(attach.statusLine.contains("pending"), attach.statusLine)
    XCTAssertTrue(attach.waitFor("applies at once (the run is paused)"), attach.screen)
    XCTAssertTrue(attach.waitFor("η 3.0e-04"), attach.statusLine)
    XCTAssertFalse(attach.screen.contains("pending"), attach.screen)
    attach.keys("Escape")

    // Another client withdraws a change this terminal staged: it leaves both views.
    attach.keys("p")
    XCTAssertTrue(attach.waitFor("RUNNING"), attach.screen)
    attach.keys("b")
    attach.keys("0.25", "Enter", "Escape")
    XCTAssertTrue(attach.waitFor("pending: applies at epoch \(next + 2)  β→0.25"), attach.screen)
    Tmux.appendControl(#"{"id": "e2e-unstage", "cmd": "unstage", "name": "beta"}"#, run: run)
    XCTAssertTrue(attach.waitUntilGone("pending"), attach.statusLine)
    XCTAssertTrue(attach.waitFor("beta unstaged"), attach.screen)
    XCTAssertTrue(watch.waitFor("beta unstaged") && watch.waitUntilGone("pending"), watch.screen)

    // A command the trainer rejects shows its reason in the Events panel.
    Tmux.appendControl(#"{"id": "e2e-reject", "cmd": "stage", "name": "beta", "value": 0.001}"#, run: run)
    let reason = "stage rejected: beta 0.001 leaves no channel on in blocks.0 (32 channels); use beta ≥ 0.03125"
    XCTAssertTrue(Tmux.eventually { flat(watch.screen).contains(reason) }, watch.screen)
    attach.keys("3")  // at 80×24 the Events panel is three rows: expanded, it holds the whole reason
    XCTAssertTrue(Tmux.eventually { flat(attach.screen).contains(reason) }, attach.screen)
    attach.keys("3")

    // q detaches: the trainer goes on.
    attach.keys("q")
    XCTAssertTrue(attach.waitFor("DETACHED"), attach.screen)
    let stepAtDetach = Tmux.lastStep(run)
    XCTAssertTrue(Tmux.eventually { Tmux.lastStep(run) > stepAtDetach + 5 }, "training stopped with the detach")
    XCTAssertFalse(FileManager.default.fileExists(atPath: exit))

    // Attached again, x and y stop it: checkpoint, exit status 0, both views read STOPPED.
    attach = TmuxSession(self, Tmux.dtr("attach \(run)"), width: 80, height: 24)
    XCTAssertTrue(attach.waitFor("RUNNING"), attach.screen)
    attach.keys("x")
    XCTAssertTrue(attach.waitFor("[y/n]"), attach.screen)
    attach.keys("y")
    XCTAssertTrue(Tmux.eventually { FileManager.default.fileExists(atPath: exit) }, "the trainer did not stop")
    XCTAssertEqual(try String(contentsOfFile: exit, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
    XCTAssertTrue(Tmux.events(run).contains { $0.contains("\"type\":\"checkpoint\"") && $0.contains("\"reason\":\"stop\"") })
    XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/last.safetensors"))
    XCTAssertTrue(attach.waitFor("STOPPED"), attach.screen)
    XCTAssertTrue(watch.waitFor("STOPPED"), watch.screen)
  }

  /// The screen's text with panel borders and line breaks turned into single spaces, so an event wrapped
  /// over several rows reads as one line.
  func flat(_ screen: String) -> String {
    String(screen.map { "│╭╮╰╯─\n".contains($0) ? " " : $0 }).split(separator: " ").joined(separator: " ")
  }
}
