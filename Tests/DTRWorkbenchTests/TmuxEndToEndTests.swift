import Foundation
import XCTest

/// Drives the real `dtr` binary in a tmux pane, as a user would: panels appear, pause, edit β, reject an
/// invalid α, survive a resize to 30×10, quit with a checkpoint and a restored terminal.
///
/// Needs `tmux` and the release binary (`swift build -c release --product dtr`, done by scripts/test); under
/// `CI=true` their absence is a failure, elsewhere the test is skipped.
final class TmuxEndToEndTests: XCTestCase {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
  let session = "dtr-e2e-\(getpid())"

  @discardableResult
  func tmux(_ args: String...) -> String { tmux(args) }

  /// Runs tmux through the shell and returns what it printed. (Foundation's `Process.waitUntilExit` was
  /// seen to hang forever on the client of `new-session -d`, whose server daemonises; `system` waits with
  /// a plain waitpid.)
  @discardableResult
  func tmux(_ args: [String]) -> String {
    let out = NSTemporaryDirectory() + "dtr-e2e-tmux-\(getpid()).out"
    let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    _ = system("tmux -u \(quoted) > '\(out)' 2>/dev/null < /dev/null")
    defer { unlink(out) }
    return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
  }

  func screen() -> String { tmux("capture-pane", "-t", session, "-p") }

  /// Waits until the screen contains `text` (or `timeout` passes); returns whether it appeared.
  func waitFor(_ text: String, timeout: Double = 30) -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
      if screen().contains(text) { return true }
      Thread.sleep(forTimeInterval: 0.2)
    }
    return false
  }

  func keys(_ k: String...) {
    tmux(["send-keys", "-t", session] + k)
    Thread.sleep(forTimeInterval: 0.4)
  }

  func testWorkbenchInARealTerminal() throws {
    let binary = try tmuxAndBinary()
    let run = NSTemporaryDirectory() + "dtr-e2e-run-\(getpid())"
    let marker = run + ".exit"
    try? FileManager.default.removeItem(atPath: run)
    try? FileManager.default.removeItem(atPath: marker)
    // A UTF-8 terminal, whatever the CI environment's locale (the ASCII fallback has its own unit tests).
    setenv("LANG", "C.UTF-8", 1)
    let cmd = "cd \(root) && LANG=C.UTF-8 TERM=xterm-256color \(binary) train --preset tiny --epochs 2 --run-dir \(run); "
      + "echo $? > \(marker); stty -a | grep -q ' icanon' && echo TERMINAL-RESTORED; sleep 60"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
    defer { tmux("kill-session", "-t", session) }

    for panel in ["Loss", "Routing masks", "Per-timestep loss", "FID", "Samples", "Events", "RUNNING"] {
      XCTAssertTrue(waitFor(panel, timeout: 60), "panel \(panel) missing:\n\(screen())")
    }
    // p: pause at the end of the epoch (PAUSING…), P: pause now.
    keys("p")
    XCTAssertTrue(waitFor("PAUSING"), screen())
    keys("P")
    XCTAssertTrue(waitFor("PAUSED"), screen())
    // An invalid α (0) is rejected as typed and changes nothing.
    keys("a")
    keys("BSpace", "BSpace", "BSpace", "BSpace", "0")
    XCTAssertTrue(waitFor("alpha must be a number > 0"), screen())
    keys("Enter")
    keys("Escape")
    XCTAssertTrue(screen().contains("α 4 "), screen())
    // β through the editor: preview, applied at once while paused, logged, new mask table.
    keys("b")
    keys("BSpace", "BSpace", "BSpace", "BSpace", "0.5")
    XCTAssertTrue(waitFor("PREVIEW"), screen())
    keys("Enter")
    XCTAssertTrue(waitFor("beta 0.8 → 0.5"), screen())
    keys("Escape")
    XCTAssertTrue(waitFor("β=0.5"), screen())
    // Resize to 30×10 and back.
    tmux("resize-window", "-t", session, "-x", "30", "-y", "10")
    XCTAssertTrue(waitFor("too small"), screen())
    tmux("resize-window", "-t", session, "-x", "120", "-y", "40")
    XCTAssertTrue(waitFor("Routing masks"), screen())
    // Quit: confirm, checkpoint, terminal restored.
    keys("q")
    XCTAssertTrue(waitFor("[y/n]"), screen())
    keys("y")
    XCTAssertTrue(waitFor("TERMINAL-RESTORED", timeout: 60), screen())
    XCTAssertEqual(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
    XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/last.safetensors"))
    let events = try String(contentsOfFile: run + "/events.jsonl", encoding: .utf8)
    XCTAssertTrue(events.contains("\"hparam_change\""))
    XCTAssertFalse(events.contains("\"name\":\"alpha\""), "the invalid alpha must not change anything")
  }
}
