import Foundation
import XCTest

/// The task-affinity panel in `dtr watch`, following a headless run that measures affinity every 5 steps:
/// shown by its key, the heatmap appears with the first `affinity` event, the cursor readout follows the
/// arrows, `m` switches matrices; at 80×24 it still fits.
final class TmuxAffinityTests: XCTestCase {
  func testAffinityPanelFollowsALiveRun() throws {
    try Tmux.requireTools()
    let run = Tmux.scratch("affinity")
    _ = TmuxSession(self, Tmux.dtr("train --headless --preset tiny --hidden 32 --depth 1 --patch 7 --batch 2000 --steps 20 "
      + "--affinity-every-steps 5 --sample-every 0 --eval-every 0 --checkpoint-every-minutes 0 --run-dir \(run)")
      + " 2>/dev/null; sleep 60")
    XCTAssertTrue(Tmux.eventually { !Tmux.events(run).isEmpty }, "the trainer did not start")
    let watch = TmuxSession(self, Tmux.dtr("watch \(run)"), width: 120, height: 40)
    XCTAssertTrue(watch.waitFor("WATCH"), watch.screen)
    watch.keys("7")
    XCTAssertTrue(watch.waitFor("Task affinity  cosine"), watch.screen)

    // The first measurement draws the heatmap (10 buckets of 100 timesteps) and the cursor readout.
    XCTAssertTrue(watch.waitFor("i=0 (t 0-99)  j=0 (t 0-99)  cosine +1", timeout: 120), watch.screen)
    XCTAssertTrue(Tmux.events(run).contains { $0.hasPrefix("{\"type\":\"affinity\"") })
    XCTAssertTrue(watch.screen.contains("K=10") && watch.screen.contains("█"), watch.screen)
    XCTAssertTrue(watch.screen.contains("conflict -1 ") && watch.screen.contains("mean adjacent (|i-j|=1)"), watch.screen)
    watch.keys("Down")
    watch.keys("Right", "Right", "Right")
    XCTAssertTrue(watch.waitFor("i=1 (t 100-199)  j=3 (t 300-399)  cosine "), watch.screen)

    // m switches to the lookahead matrix and back.
    watch.keys("m")
    XCTAssertTrue(watch.waitFor("Task affinity  lookahead"), watch.screen)
    XCTAssertTrue(watch.waitFor("j=3 (t 300-399)  lookahead "), watch.screen)
    watch.keys("m")
    XCTAssertTrue(watch.waitFor("Task affinity  cosine"), watch.screen)

    // 0 returns to the overview; at 80×24 the panel still shows the whole matrix and its readout.
    watch.keys("0")
    XCTAssertTrue(watch.waitUntilGone("Task affinity"), watch.screen)
    let small = TmuxSession(self, Tmux.dtr("watch \(run)"), width: 80, height: 24)
    XCTAssertTrue(small.waitFor("WATCH"), small.screen)
    small.keys("7")
    XCTAssertTrue(small.waitFor("i=0 (t 0-99)  j=0 (t 0-99)  cosine +1"), small.screen)
    XCTAssertTrue(small.screen.contains("   900"), small.screen)
  }
}
