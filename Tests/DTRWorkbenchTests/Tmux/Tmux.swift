import Foundation
import XCTest

/// What the tmux tests drive: the release `dtr` binary in tmux sessions, with the helpers they share.
///
/// Needs `tmux` and the release binary (`swift build -c release --product dtr`, done by scripts/test);
/// under `CI=true` their absence is a failure, elsewhere the tests are skipped.
enum Tmux {
  /// The repository root.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  /// The binary under test.
  static let binary = root + "/.build/release/dtr"

  /// Skips (or, under CI, fails) the calling test when tmux or the binary is missing.
  static func requireTools() throws {
    guard FileManager.default.fileExists(atPath: "/usr/bin/tmux"), FileManager.default.isExecutableFile(atPath: binary) else {
      if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("tmux or \(binary) missing (scripts/test builds it)") }
      throw XCTSkip("needs tmux and \(binary)")
    }
  }

  /// `dtr ARGS` as a shell command in a UTF-8, 256-colour terminal, run from the repository root.
  static func dtr(_ args: String) -> String {
    "cd \(root) && LANG=C.UTF-8 TERM=xterm-256color \(binary) \(args)"
  }

  /// A training run small enough to take a few seconds an epoch on 2 cores (a 32-wide, one-block DiT on
  /// 7×7 patches; 30 steps of 2000 images an epoch), without grids or FID.
  static func trainFlags(run: String, epochs: Int) -> String {
    "--preset tiny --hidden 32 --depth 1 --patch 7 --batch 2000 --epochs \(epochs) --sample-every 0 "
      + "--eval-every 0 --checkpoint-every-minutes 0 --run-dir \(run)"
  }

  /// A fresh temporary path named after `name` (nothing there).
  static func scratch(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "dtr-e2e-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    return path
  }

  /// Runs tmux through the shell and returns what it printed. (Foundation's `Process.waitUntilExit` was
  /// seen to hang forever on the client of `new-session -d`, whose server daemonises; `system` waits with
  /// a plain waitpid.)
  @discardableResult
  static func run(_ args: [String]) -> String {
    let out = NSTemporaryDirectory() + "dtr-e2e-tmux-\(getpid())-\(UUID().uuidString).out"
    let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    _ = system("tmux -u \(quoted) > '\(out)' 2>/dev/null < /dev/null")
    defer { unlink(out) }
    return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
  }

  /// Polls `condition` every 0.2 s until it holds or `timeout` seconds pass; returns whether it held.
  static func eventually(timeout: Double = 30, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.2)
    }
    return condition()
  }

  /// The lines of a run's `events.jsonl` (empty before it exists).
  static func events(_ run: String) -> [Substring] {
    ((try? String(contentsOfFile: run + "/events.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
  }

  /// The step of the run's newest `step` event (0 before the first).
  static func lastStep(_ run: String) -> Int {
    guard let line = events(run).last(where: { $0.hasPrefix("{\"type\":\"step\"") }),
      let r = line.range(of: #""step":(\d+)"#, options: .regularExpression)
    else { return 0 }
    return Int(line[r].dropFirst(7)) ?? 0
  }

  /// Appends one line to the run's `control.jsonl` the way docs/control.md tells any program to: one
  /// write, in append mode, under an exclusive `flock`.
  static func appendControl(_ json: String, run: String) {
    let fd = open(run + "/control.jsonl", O_WRONLY | O_APPEND | O_CREAT, 0o644)
    flock(fd, LOCK_EX)
    _ = (json + "\n").withCString { write(fd, $0, strlen($0)) }
    close(fd)
  }
}

/// One tmux session running one command in a terminal of a given size; killed when the test ends.
final class TmuxSession {
  /// The session's name.
  let name: String

  /// Starts `command` in a new detached session of `width × height` cells, killed by `test`'s teardown.
  init(_ test: XCTestCase, _ command: String, width: Int = 120, height: Int = 40) {
    name = "dtr-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    // A UTF-8 terminal, whatever the CI environment's locale (the ASCII fallback has its own unit tests).
    setenv("LANG", "C.UTF-8", 1)
    // When the previous test's teardown killed the server's last session, the server is exiting and a
    // new-session sent in that moment is lost (the whole end-to-end test then saw an empty screen). So the
    // session is started again until it exists.
    let started = Tmux.eventually(timeout: 10) { [name] in
      Tmux.run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
      return Tmux.run(["list-sessions", "-F", "#{session_name}"]).split(separator: "\n").contains(Substring(name))
    }
    XCTAssertTrue(started, "tmux did not start session \(name)")
    test.addTeardownBlock { [name] in Tmux.run(["kill-session", "-t", name]) }
  }

  /// The screen's text.
  var screen: String { Tmux.run(["capture-pane", "-t", name, "-p"]) }

  /// The first line of the screen (the workbench's status line).
  var statusLine: String { String(screen.split(separator: "\n", omittingEmptySubsequences: false).first ?? "") }

  /// Waits until the screen contains `text` (or `timeout` passes); returns whether it appeared.
  func waitFor(_ text: String, timeout: Double = 30) -> Bool { Tmux.eventually(timeout: timeout) { screen.contains(text) } }

  /// Waits until `text` has left the screen; returns whether it did.
  func waitUntilGone(_ text: String, timeout: Double = 30) -> Bool {
    Tmux.eventually(timeout: timeout) { !screen.contains(text) }
  }

  /// Sends keys (tmux key names or text), then gives the workbench 0.4 s to answer.
  func keys(_ k: String...) {
    Tmux.run(["send-keys", "-t", name] + k)
    Thread.sleep(forTimeInterval: 0.4)
  }

  /// Resizes the terminal.
  func resize(width: Int, height: Int) {
    Tmux.run(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
  }
}
