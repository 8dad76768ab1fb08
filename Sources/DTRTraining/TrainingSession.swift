/// What the workbench sees of a training run: a stream of events and a way to send commands.
///
/// A live trainer in this process and a read-only follower of another run's `events.jsonl`
/// (`dtr watch`) both conform, so the workbench draws both the same way.
public protocol TrainingSession: AnyObject, Sendable {
  /// Events that arrived since the last call, oldest first. Never blocks.
  func drainEvents() -> [TrainingEvent]
  /// Sends a command; ignored by read-only sessions. Never blocks.
  func send(_ command: TrainerCommand)
  /// Whether commands are ignored (the workbench greys out its steering keys).
  var isReadOnly: Bool { get }
  /// The run directory (`runs/NAME`), where checkpoints and sample grids are written.
  var runDirectory: String { get }
}
