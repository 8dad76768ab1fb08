/// What the workbench sees of a training run: a stream of events and a way to send commands.
///
/// ``RunClient`` (any run, through its directory) conforms, and so do test doubles, so the workbench
/// draws and steers them all the same way.
public protocol TrainingSession: AnyObject, Sendable {
  /// Events that arrived since the last call, oldest first. Never blocks.
  func drainEvents() -> [TrainingEvent]
  /// When a long log was opened newest first: the next chunk of the whole log in order (``EventHistory``),
  /// nil when none is pending. Never blocks for long.
  func drainHistory() -> EventHistory?
  /// Sends a command and returns the id its answer (a `command` event) will name; nil when read-only or
  /// when it could not be sent. Never blocks for long.
  @discardableResult func send(_ command: TrainerCommand) -> String?
  /// Whether commands are ignored (the workbench greys out its steering keys).
  var isReadOnly: Bool { get }
  /// The run directory (`runs/NAME`), where checkpoints and sample grids are written.
  var runDirectory: String { get }
}
