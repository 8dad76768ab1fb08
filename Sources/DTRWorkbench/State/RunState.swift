/// The run's state word on the status bar, derived from events by ``WorkbenchModel``.
public enum RunState: String, Sendable {
  case starting = "STARTING", running = "RUNNING", pausing = "PAUSING…", paused = "PAUSED"
  case evaluating = "EVALUATING", stopping = "STOPPING", stopped = "STOPPED", finished = "FINISHED"
}
