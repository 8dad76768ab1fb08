import DTRModels

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
