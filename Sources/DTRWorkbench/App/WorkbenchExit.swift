/// How the workbench ended.
public enum WorkbenchExit: Equatable, Sendable {
  /// The user left; the run was read-only, had already ended, or the user left during the stop wait.
  case quit
  /// The user quit while training: the trainer was stopped and confirmed with `run_end` (its reason).
  case stopped(reason: String)
  /// The user quit while training, but no `run_end` arrived within the stop timeout.
  case stopTimedOut
  /// SIGINT or SIGTERM ended the UI (after asking the trainer to stop, when it could be steered).
  case interrupted(signal: Int32)
}
