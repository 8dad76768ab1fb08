import DTRModels

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

  /// Learning rates above this are unusual enough that the workbench asks before staging them.
  public static let lrConfirmAbove = 1e-2

  /// Why `value` is not acceptable for a network configured as `model`, or nil when it is; α and β follow
  /// the models floor's one rule (``ModelConfig/routingError(alpha:beta:)``).
  public func validationError(_ value: Double, for model: ModelConfig) -> String? {
    switch self {
    case .alpha: return model.routingError(alpha: value, beta: model.beta)
    case .beta: return model.routingError(alpha: model.alpha, beta: value)
    case .lr: return value > 0 && value.isFinite ? nil : "lr must be a number > 0 (got \(value))"
    }
  }
}
