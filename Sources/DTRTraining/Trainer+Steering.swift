import DTRModels
import Foundation

/// How the trainer answers control commands and applies hyperparameter changes (docs/control.md).
///
/// Every command is answered with a `command` event naming its id: `applied`, `staged` (a change waiting
/// for the end of the epoch), or `rejected` with the reason. A staged change that is withdrawn or turns
/// out invalid when due is announced by `hparam_unstaged`, so every view drops it.
extension Trainer {
  /// Carries out one command and answers it.
  func handle(_ c: ControlCommand) {
    let word = ControlCommand.word(c.command)
    func answer(_ status: CommandAnswer.Status, _ reason: String? = nil) {
      emit(.command(CommandAnswer(id: c.id, cmd: word, status: status, reason: reason)))
    }
    switch c.command {
    case .pauseAtEpochEnd:
      // Asked twice before the boundary: pause now.
      if pauseAtEpochEnd && !paused { pause(at: "step") } else if !paused { pauseAtEpochEnd = true }
      answer(.applied)
    case .pauseNow:
      if !paused { pause(at: "step") }
      answer(.applied)
    case .resume:
      pauseAtEpochEnd = false
      if paused {
        paused = false
        emit(.resume(Resumed()))
      }
      answer(.applied)
    case .stage(let h, let v):
      if let why = validationError(h, v) {
        answer(.rejected, why)
      } else if paused {
        staged[h] = nil
        apply(h, v, source: "control", id: c.id)
        answer(.applied)
      } else {
        staged[h] = v
        // The first epoch that trains with it: the next one, or the one after the epoch under way.
        emit(.hparamStaged(HparamStaged(name: h, new: v, epoch: state.epoch + (closingEpoch ? 1 : 2))))
        answer(.staged)
      }
    case .unstage(let h):
      if staged.removeValue(forKey: h) != nil {
        emit(.hparamUnstaged(HparamUnstaged(name: h, reason: "user")))
        answer(.applied)
      } else {
        answer(.rejected, "no staged change of \(h.rawValue)")
      }
    case .saveCheckpoint:
      saveCheckpoint(reason: "manual")
      answer(.applied)
    case .stop:
      stopRequested = true
      answer(.applied)
    }
  }

  /// Why `h = v` is not acceptable now, against the model as it will be when the change applies (with
  /// the other staged changes).
  func validationError(_ h: Hyperparameter, _ v: Double) -> String? {
    var m = model.config
    if let a = staged[.alpha] { m.alpha = a }
    if let b = staged[.beta] { m.beta = b }
    return h.validationError(v, for: m)
  }

  func pause(at: String) {
    paused = true
    pauseAtEpochEnd = false
    emit(.pause(Paused(at: at)))
  }

  /// Applies the changes staged for an epoch boundary.
  func applyStaged() {
    for (h, v) in staged.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { apply(h, v, source: "control") }
    staged.removeAll()
  }

  /// Applies a change now and logs it; a change that is no longer valid is dropped with
  /// `hparam_unstaged` and an alert.
  func apply(_ h: Hyperparameter, _ v: Double, source: String, id: String? = nil) {
    if let why = h.validationError(v, for: model.config) {
      emit(.hparamUnstaged(HparamUnstaged(name: h, reason: why)))
      alert("warning", "\(h.rawValue) \(v) not applied: \(why)")
      return
    }
    let old: Double
    switch h {
    case .alpha:
      old = model.config.alpha
      model.setRouting(alpha: v, beta: model.config.beta)
    case .beta:
      old = model.config.beta
      model.setRouting(alpha: model.config.alpha, beta: v)
    case .lr:
      old = config.lr
      config.lr = v
    }
    ema.setMasks(model.masks)
    config.model = model.config
    emit(.hparamChange(HparamChange(name: h, old: old, new: v, source: source, epoch: state.epoch + 1, id: id)))
  }
}
