import DTRTraining

/// Questions the workbench asks before acting.
public enum Confirmation: Sendable, Equatable {
  case stop, quit
  /// Staging an unusually large value.
  case stage(Hyperparameter, Double)

  /// The question, ending in `[y/n]`.
  public var question: String {
    switch self {
    case .stop: return "Stop training? The trainer writes a checkpoint first. [y/n]"
    case .quit: return "Quit? Training stops and writes a checkpoint first. [y/n]"
    case .stage(let h, let v):
      return "\(h.rawValue) \(HparamEditor.format(v)) is above \(HparamEditor.format(Hyperparameter.lrConfirmAbove)), "
        + "far above usual diffusion learning rates. Stage it? [y/n]"
    }
  }
}
