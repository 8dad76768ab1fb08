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
