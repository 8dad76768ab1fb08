import DTRWorkbench
import Foundation
import XCTest

/// The comparison view in a real terminal: two tiny runs trained with different routing, then
/// `dtr watch RUN_A RUN_B` in tmux: the legend names both, hiding one takes it out of the legend and the
/// plot, `m` switches the mode label, `q` leaves with the terminal restored.
final class TmuxComparisonTests: XCTestCase {
  func testComparisonOfTwoRunsInARealTerminal() throws {
    try Tmux.requireTools()
    let dir = Tmux.scratch("compare")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func train(_ routing: String) -> String {
      "\(Tmux.binary) train --preset tiny --steps 40 --batch 64 --headless --sample-every 0 --eval-every 0 --routing \(routing) "
        + "--seed \(routing == "none" ? 0 : 1) --run-dir \(dir)/arm-\(routing) 2>/dev/null"
    }
    // Colour whatever the environment (or a tmux server shared with other sessions) says: the plot is checked by colour.
    let cmd = "cd \(Tmux.root) && \(train("none")) && \(train("dtr")) && env -u NO_COLOR LANG=C.UTF-8 TERM=xterm-256color "
      + "\(Tmux.binary) watch \(dir)/arm-none \(dir)/arm-dtr; echo $? > \(dir)/exit; stty -a | grep -q ' icanon' "
      + "&& echo TERMINAL-RESTORED; sleep 60"
    let tmux = TmuxSession(self, cmd)

    /// The legend line, and the colours (xterm-256 indices) drawn in the loss plot's rows.
    func legend() -> String { tmux.screen.split(separator: "\n").first { $0.contains("█ arm-") }.map(String.init) ?? "" }
    func plotColours() -> Set<Int> {
      let rows = Tmux.run(["capture-pane", "-t", tmux.name, "-p", "-e"]).split(separator: "\n").map(String.init)
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

    XCTAssertTrue(tmux.waitFor("2 █ arm-dtr", timeout: 120), tmux.screen)
    XCTAssertTrue(legend().contains("1 █ arm-none"), legend())
    XCTAssertTrue(tmux.screen.contains("Loss (ε-MSE)  mean over seeds"), tmux.screen)
    XCTAssertTrue(tmux.screen.contains("2 runs"), tmux.screen)
    // Hide arm-dtr: only arm-none's colour is left in the plot; show it again.
    tmux.keys("2")
    XCTAssertTrue(tmux.waitFor("hidden: 2"), tmux.screen)
    XCTAssertEqual(plotColours(), [0], tmux.screen)
    tmux.keys("2")
    // Hide arm-none: gone from the legend and from the plot.
    tmux.keys("1")
    XCTAssertTrue(tmux.waitFor("hidden: 1"), tmux.screen)
    XCTAssertFalse(legend().contains("arm-none"), legend())
    XCTAssertTrue(legend().contains("2 █ arm-dtr"), legend())
    XCTAssertEqual(plotColours(), [1], tmux.screen)
    // m: one curve per seed, and back.
    tmux.keys("m")
    XCTAssertTrue(tmux.waitFor("Loss (ε-MSE)  per seed"), tmux.screen)
    XCTAssertFalse(tmux.screen.contains("mean over seeds"), tmux.screen)
    tmux.keys("m")
    XCTAssertTrue(tmux.waitFor("Loss (ε-MSE)  mean over seeds"), tmux.screen)
    tmux.keys("q")
    XCTAssertTrue(tmux.waitFor("TERMINAL-RESTORED", timeout: 30), tmux.screen)
    XCTAssertEqual(try String(contentsOfFile: dir + "/exit", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
  }
}
