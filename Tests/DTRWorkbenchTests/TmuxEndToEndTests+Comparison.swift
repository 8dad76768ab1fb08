import DTRWorkbench
import Foundation
import XCTest

/// The comparison view in a real terminal: two tiny runs trained with different routing, then
/// `dtr watch RUN_A RUN_B` in tmux: the legend names both, hiding one takes it out of the legend and the
/// plot, `m` switches the mode label, `q` leaves with the terminal restored.
extension TmuxEndToEndTests {
  /// The release `dtr` binary, once tmux and the binary are known to be there; under `CI=true` their
  /// absence is a failure, elsewhere the test is skipped.
  func tmuxAndBinary() throws -> String {
    let binary = root + "/.build/release/dtr"
    guard FileManager.default.fileExists(atPath: "/usr/bin/tmux"), FileManager.default.isExecutableFile(atPath: binary) else {
      if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("tmux or \(binary) missing (scripts/test builds it)") }
      throw XCTSkip("needs tmux and \(binary)")
    }
    return binary
  }

  func testComparisonOfTwoRunsInARealTerminal() throws {
    let binary = try tmuxAndBinary()
    let dir = NSTemporaryDirectory() + "dtr-e2e-compare-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    setenv("LANG", "C.UTF-8", 1)
    func train(_ routing: String) -> String {
      "\(binary) train --preset tiny --steps 40 --batch 64 --headless --sample-every 0 --eval-every 0 --routing \(routing) "
        + "--seed \(routing == "none" ? 0 : 1) --run-dir \(dir)/arm-\(routing) 2>/dev/null"
    }
    // Colour whatever the environment (or a tmux server shared with other sessions) says: the plot is checked by colour.
    let cmd = "cd \(root) && \(train("none")) && \(train("dtr")) && env -u NO_COLOR LANG=C.UTF-8 TERM=xterm-256color \(binary) watch "
      + "\(dir)/arm-none \(dir)/arm-dtr; echo $? > \(dir)/exit; stty -a | grep -q ' icanon' && echo TERMINAL-RESTORED; sleep 60"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
    defer { tmux("kill-session", "-t", session) }

    /// The legend line, and the colours (xterm-256 indices) drawn in the loss plot's rows.
    func legend() -> String { screen().split(separator: "\n").first { $0.contains("█ arm-") }.map(String.init) ?? "" }
    func plotColours() -> Set<Int> {
      let rows = tmux("capture-pane", "-t", session, "-p", "-e").split(separator: "\n").map(String.init)
      let bottom = rows.firstIndex { $0.contains("╰") } ?? rows.count
      var found = Set<Int>()
      for row in rows[min(3, bottom)..<bottom] {
        for i in ArmPalette.colors.indices {
          let index = ColorDepth.xterm256(Theme.builtIn[ArmPalette.colors[i]]!)
          if row.contains("38;5;\(index)m") || row.contains("38;5;\(index);") { found.insert(i) }
        }
      }
      return found
    }

    XCTAssertTrue(waitFor("2 █ arm-dtr", timeout: 120), screen())
    XCTAssertTrue(legend().contains("1 █ arm-none"), legend())
    XCTAssertTrue(screen().contains("Loss (ε-MSE)  mean over seeds"), screen())
    XCTAssertTrue(screen().contains("2 runs"), screen())
    // Hide arm-dtr: only arm-none's colour is left in the plot; show it again.
    keys("2")
    XCTAssertTrue(waitFor("hidden: 2"), screen())
    XCTAssertEqual(plotColours(), [0], screen())
    keys("2")
    // Hide arm-none: gone from the legend and from the plot.
    keys("1")
    XCTAssertTrue(waitFor("hidden: 1"), screen())
    XCTAssertFalse(legend().contains("arm-none"), legend())
    XCTAssertTrue(legend().contains("2 █ arm-dtr"), legend())
    XCTAssertEqual(plotColours(), [1], screen())
    // m: one curve per seed, and back.
    keys("m")
    XCTAssertTrue(waitFor("Loss (ε-MSE)  per seed"), screen())
    XCTAssertFalse(screen().contains("mean over seeds"), screen())
    keys("m")
    XCTAssertTrue(waitFor("Loss (ε-MSE)  mean over seeds"), screen())
    keys("q")
    XCTAssertTrue(waitFor("TERMINAL-RESTORED", timeout: 30), screen())
    XCTAssertEqual(try String(contentsOfFile: dir + "/exit", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
  }
}
