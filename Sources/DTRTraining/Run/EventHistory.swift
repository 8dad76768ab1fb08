/// A run's records read in file order behind the newest ones: when ``EventFollower`` opens a long
/// `events.jsonl` it hands out the newest records at once, then the whole file from its start in chunks.
///
/// A reader builds a second state from these chunks, in order, and switches to it when the last chunk
/// (``isComplete``) arrives: the chunks then hold every record up to the newest one handed out, so that
/// state is exactly the one a reader of the whole file in order would have — resume marks included.
public struct EventHistory: Sendable, Equatable {
  /// The next records in file order: the file's first ones when ``isFirst``, else continuing the previous
  /// chunk.
  public var events: [TrainingEvent]
  /// Whether the chunk starts at the beginning of the file (a replaced file starts the history again).
  public var isFirst: Bool
  /// Whether these are the last: the chunks now reach the newest records already handed out.
  public var isComplete: Bool
  /// How much of the file up to the newest records the chunks have covered so far (0…1).
  public var fraction: Double

  /// A chunk.
  public init(events: [TrainingEvent], isFirst: Bool, isComplete: Bool, fraction: Double) {
    (self.events, self.isFirst, self.isComplete, self.fraction) = (events, isFirst, isComplete, fraction)
  }
}
