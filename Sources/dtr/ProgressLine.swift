import Foundation

/// A progress bar on stderr: redrawn in place on a terminal, one line every 10 s otherwise.
final class ProgressLine {
  private let tty = isatty(STDERR_FILENO) != 0
  private var lastDraw = Date.distantPast
  private let started = Date()

  /// Redraws the bar for `done` of `total` units of `label` (rate-limited).
  func update(_ done: Int, _ total: Int, _ label: String) {
    let now = Date()
    guard done == total || now.timeIntervalSince(lastDraw) >= (tty ? 0.2 : 10) else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(started)
    let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : .infinity
    let filled = total > 0 ? 24 * done / total : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 24 - filled)
    let line = "\(bar) \(label) \(done)/\(total) ETA \(HeadlessProgress.duration(eta))"
    writeStderr((tty ? "\r\u{1B}[2K" : "") + line + (tty ? "" : "\n"))
  }

  /// Prints `message` on its own line.
  func note(_ message: String) {
    writeStderr((tty ? "\r\u{1B}[2K" : "") + message + "\n")
  }

  /// Ends the line on a terminal.
  func finish() { if tty { writeStderr("\n") } }
}
