/// Commands an observer (the workbench) may send to a running trainer. The trainer applies them at
/// safe points (step or epoch boundaries) on its own thread; sending never blocks.
public enum TrainerCommand: Sendable, Equatable {
  /// Pause at the end of the current epoch.
  case pauseAtEpochEnd
  /// Pause after the current step.
  case pauseNow
  /// Resume a paused run.
  case resume
  /// Stage a hyperparameter change; applied at the next epoch boundary, or at once when paused.
  case stage(Hyperparameter, Double)
  /// Drop a staged change.
  case unstage(Hyperparameter)
  /// Write a checkpoint now.
  case saveCheckpoint
  /// Write a checkpoint, then end the run.
  case stop
}

/// The hyperparameters that can be steered during a run.
public enum Hyperparameter: String, Sendable, CaseIterable, Codable {
  /// DTR shift ratio α (> 0).
  case alpha
  /// DTR window width β (0 < β ≤ 1).
  case beta
  /// AdamW learning rate (> 0).
  case lr

  /// Why `value` is not acceptable, or nil when it is.
  public func validationError(_ value: Double) -> String? {
    guard value.isFinite else { return "\(rawValue) must be a finite number" }
    switch self {
    case .alpha: return value > 0 ? nil : "alpha must be > 0 (got \(value))"
    case .beta: return value > 0 && value <= 1 ? nil : "beta must be in (0, 1] (got \(value))"
    case .lr: return value > 0 ? nil : "lr must be > 0 (got \(value))"
    }
  }
}

/// Run states as shown by the workbench.
public enum RunState: String, Sendable {
  case starting = "STARTING", running = "RUNNING", pausing = "PAUSING…", paused = "PAUSED"
  case evaluating = "EVALUATING", stopping = "STOPPING", stopped = "STOPPED"
}
