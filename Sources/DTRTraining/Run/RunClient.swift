import Foundation

/// A view of a run through its directory, whoever trains it (this process, another one, another
/// machine's engine): events from `events.jsonl`, commands into `control.jsonl`. `dtr watch` uses it
/// read-only; `dtr attach` and the workbench of `dtr train` use it to steer, so there is one protocol.
public final class RunClient: TrainingSession, @unchecked Sendable {
  public let runDirectory: String
  public let isReadOnly: Bool
  /// The run's files.
  public let folder: RunFolder
  private let follower: EventFollower
  private let lock = NSLock()
  private var local: [TrainingEvent] = []
  private var sequence = 0
  private let idPrefix: String

  /// A client of the run in `runDirectory`; `readOnly` ignores ``send(_:)``.
  public init(runDirectory: String, readOnly: Bool) {
    self.runDirectory = runDirectory
    isReadOnly = readOnly
    folder = RunFolder(runDirectory)
    follower = EventFollower(path: folder.events)
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count)
    idPrefix = "\(String(cString: host))-\(getpid())-"
  }

  public func drainEvents() -> [TrainingEvent] {
    lock.lock()
    defer { lock.unlock() }
    let events = follower.read() + local
    local.removeAll()
    return events
  }

  public func drainHistory() -> EventHistory? {
    lock.lock()
    defer { lock.unlock() }
    return follower.readHistory()
  }

  /// Appends the command to `control.jsonl` and returns its id. When no trainer holds the run, or the
  /// file cannot be written, nothing is sent and an `alert` event says why on the next drain.
  @discardableResult
  public func send(_ command: TrainerCommand) -> String? {
    guard !isReadOnly else { return nil }
    lock.lock()
    defer { lock.unlock() }
    guard RunLock.holder(of: runDirectory) != nil else {
      local.append(TrainingEvent(.alert(Alert(level: "error", message: "no trainer is running this run; "
        + "resume it with dtr train --resume --run-dir \(runDirectory)")), step: 0))
      return nil
    }
    sequence += 1
    let id = idPrefix + String(sequence)
    do {
      try ControlChannel.send(ControlCommand(id: id, command), to: folder)
      return id
    } catch {
      local.append(TrainingEvent(.alert(Alert(level: "error", message: "\(error)")), step: 0))
      return nil
    }
  }

  /// The trainer holding the run now, if any.
  public var trainer: RunLock.Holder? { RunLock.holder(of: runDirectory) }
}
