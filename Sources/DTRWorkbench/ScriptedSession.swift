import DTRTraining
import Foundation

/// A session that plays back events it is given and records the commands sent to it: for tests, demos,
/// and replaying a recorded run.
public final class ScriptedSession: TrainingSession, @unchecked Sendable {
  public let runDirectory: String
  public let isReadOnly: Bool

  private let lock = NSLock()
  private var queue: [TrainingEvent]
  private var commands: [TrainerCommand] = []

  /// A session that will hand out `events` on the first drain.
  public init(events: [TrainingEvent] = [], runDirectory: String = ".", readOnly: Bool = false) {
    queue = events
    self.runDirectory = runDirectory
    isReadOnly = readOnly
  }

  /// Queues more events for the next drain.
  public func push(_ events: [TrainingEvent]) {
    lock.lock()
    queue += events
    lock.unlock()
  }

  /// Commands received so far, oldest first.
  public var sentCommands: [TrainerCommand] {
    lock.lock()
    defer { lock.unlock() }
    return commands
  }

  public func drainEvents() -> [TrainingEvent] {
    lock.lock()
    defer { lock.unlock() }
    let out = queue
    queue = []
    return out
  }

  public func send(_ command: TrainerCommand) -> String? {
    lock.lock()
    defer { lock.unlock() }
    guard !isReadOnly else { return nil }
    commands.append(command)
    return "scripted-\(commands.count)"
  }
}
