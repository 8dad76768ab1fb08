import Foundation
import XCTest

/// Closing the terminal of a training run (SIGHUP) stops it the way Ctrl-C does: a checkpoint, then a
/// `run_end` event; with and without the workbench on that terminal. Under `nohup` it keeps training.
final class TmuxHangupTests: XCTestCase {
  func testClosingTheTerminalCheckpointsAndStops() throws {
    try Tmux.requireTools()
    let ui = Tmux.scratch("hangup-ui"), headless = Tmux.scratch("hangup-headless")
    let withUI = TmuxSession(self, Tmux.dtr("train " + Tmux.trainFlags(run: ui, epochs: 200)))
    let plain = TmuxSession(self, Tmux.dtr("train --headless " + Tmux.trainFlags(run: headless, epochs: 200)))
    let nohupped = Tmux.scratch("hangup-nohup")
    let immune = TmuxSession(self, Tmux.dtr("train --headless " + Tmux.trainFlags(run: nohupped, epochs: 200))
      .replacingOccurrences(of: Tmux.binary, with: "nohup " + Tmux.binary) + " 2>/dev/null")
    XCTAssertTrue(withUI.waitFor("RUNNING", timeout: 60), withUI.screen)
    XCTAssertTrue(Tmux.eventually(timeout: 60) { [ui, headless, nohupped].allSatisfy { Tmux.lastStep($0) > 0 } })
    XCTAssertFalse(FileManager.default.fileExists(atPath: ui + "/last.safetensors"))

    // kill-session hangs up the pane's terminal: its processes get SIGHUP.
    for session in [withUI, plain, immune] { Tmux.run(["kill-session", "-t", session.name]) }
    for run in [ui, headless] {
      XCTAssertTrue(Tmux.eventually(timeout: 60) { Tmux.events(run).last?.hasPrefix("{\"type\":\"run_end\"") == true },
                    "\(run): no run_end after the hangup: \(Tmux.events(run).suffix(2))")
      XCTAssertTrue(Tmux.events(run).contains { $0.hasPrefix("{\"type\":\"checkpoint\"") }, run)
      XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/last.safetensors"), run)
    }

    // The nohup'd trainer ignored the hangup: it is still stepping, until told to stop.
    let before = Tmux.lastStep(nohupped)
    XCTAssertTrue(Tmux.eventually(timeout: 60) { Tmux.lastStep(nohupped) > before + 5 }, "the nohup'd trainer stopped")
    XCTAssertFalse(Tmux.events(nohupped).contains { $0.hasPrefix("{\"type\":\"run_end\"") })
    Tmux.appendControl(#"{"id":"t","cmd":"stop"}"#, run: nohupped)
    XCTAssertTrue(Tmux.eventually(timeout: 60) { Tmux.events(nohupped).last?.hasPrefix("{\"type\":\"run_end\"") == true })
  }
}
