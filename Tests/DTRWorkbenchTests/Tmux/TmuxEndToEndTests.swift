import Foundation
import XCTest

/// Drives `dtr train`'s own workbench in a tmux pane, as a user would: panels appear, pause, edit β,
/// reject an invalid α, survive a resize to 30×10, quit with a checkpoint and a restored terminal.
final class TmuxEndToEndTests: XCTestCase {
  func testWorkbenchInARealTerminal() throws {
    try Tmux.requireTools()
    let run = Tmux.scratch("run"), marker = run + ".exit"
    try? FileManager.default.removeItem(atPath: marker)
    let tmux = TmuxSession(self, Tmux.dtr("train --preset tiny --epochs 2 --run-dir \(run)") + "; echo $? > \(marker); "
      + "stty -a | grep -q ' icanon' && echo TERMINAL-RESTORED; sleep 60")

    for panel in ["Loss", "Routing masks", "Per-timestep loss", "FID", "Samples", "Events", "RUNNING"] {
      XCTAssertTrue(tmux.waitFor(panel, timeout: 60), "panel \(panel) missing:\n\(tmux.screen)")
    }
    // p: pause at the end of the epoch (PAUSING…), P: pause now.
    tmux.keys("p")
    XCTAssertTrue(tmux.waitFor("PAUSING"), tmux.screen)
    tmux.keys("P")
    XCTAssertTrue(tmux.waitFor("PAUSED"), tmux.screen)
    // An invalid α (0) is rejected as typed and changes nothing.
    tmux.keys("a")
    tmux.keys("BSpace", "BSpace", "BSpace", "BSpace", "0")
    XCTAssertTrue(tmux.waitFor("alpha must be a number > 0"), tmux.screen)
    tmux.keys("Enter")
    tmux.keys("Escape")
    XCTAssertTrue(tmux.screen.contains("α 4 "), tmux.screen)
    // β through the editor: preview, applied at once while paused, logged, new mask table.
    tmux.keys("b")
    tmux.keys("BSpace", "BSpace", "BSpace", "BSpace", "0.5")
    XCTAssertTrue(tmux.waitFor("PREVIEW"), tmux.screen)
    tmux.keys("Enter")
    XCTAssertTrue(tmux.waitFor("beta 0.8 → 0.5"), tmux.screen)
    tmux.keys("Escape")
    XCTAssertTrue(tmux.waitFor("β=0.5"), tmux.screen)
    // Resize to 30×10 and back.
    tmux.resize(width: 30, height: 10)
    XCTAssertTrue(tmux.waitFor("too small"), tmux.screen)
    tmux.resize(width: 120, height: 40)
    XCTAssertTrue(tmux.waitFor("Routing masks"), tmux.screen)
    // Quit: confirm, checkpoint, terminal restored.
    tmux.keys("q")
    XCTAssertTrue(tmux.waitFor("[y/n]"), tmux.screen)
    tmux.keys("y")
    XCTAssertTrue(tmux.waitFor("TERMINAL-RESTORED", timeout: 60), tmux.screen)
    XCTAssertEqual(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
    XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/last.safetensors"))
    let events = try String(contentsOfFile: run + "/events.jsonl", encoding: .utf8)
    XCTAssertTrue(events.contains("\"hparam_change\""))
    XCTAssertFalse(events.contains("\"name\":\"alpha\""), "the invalid alpha must not change anything")
  }
}
