import DTRTraining

/// What a key press asks of the outside world; the controller itself never does I/O.
public enum Effect: Equatable, Sendable {
  /// Send this command to the trainer.
  case send(TrainerCommand)
  /// Switch to the next theme.
  case cycleTheme
  /// Repaint the whole terminal.
  case redraw
  /// Leave once the run has ended (a stop was sent), or when the wait times out.
  case leaveAfterStop
  /// Leave now.
  case leave
}
