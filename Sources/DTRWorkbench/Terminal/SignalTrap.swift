import Foundation

/// The last signal caught (0 = none); written only by the handler, read and cleared by the UI loop.
nonisolated(unsafe) private var caughtSignal: Int32 = 0

/// Catches SIGINT, SIGTERM, SIGHUP and SIGCONT while the workbench owns the terminal, so they end the UI
/// through its normal exit path (which restores the terminal and, for `dtr train`, stops the run with a
/// checkpoint) instead of killing the process mid-draw. A signal the process was told to ignore (SIGHUP
/// under `nohup`) stays ignored. The previous handlers come back on `restore()`.
final class SignalTrap {
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGCONT]
  private var previous: [Int32: sighandler_t?] = [:]

  /// Installs the handlers (before ncurses starts, so ncurses leaves SIGINT/SIGTERM to us).
  init() {
    caughtSignal = 0
    for s in Self.signals {
      if let old = SignalHandler.install(s, { caughtSignal = $0 }) { previous[s] = old }
    }
  }

  deinit { restore() }

  /// The signal caught since the last call, if any.
  func take() -> Int32? {
    let s = caughtSignal
    guard s != 0 else { return nil }
    caughtSignal = 0
    return s
  }

  /// Puts the previous handlers back (once).
  func restore() {
    for (s, h) in previous { signal(s, h) }
    previous.removeAll()
  }
}
