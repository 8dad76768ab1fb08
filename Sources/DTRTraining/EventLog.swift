import Foundation

/// The run's event stream: appends each event to `events.jsonl` (one line, flushed) and hands it to
/// observers through a bounded in-memory queue, so a slow or absent observer never blocks training.
public final class EventLog: @unchecked Sendable {
  private let handle: FileHandle?
  private let lock = NSLock()
  private var pending: [TrainingEvent] = []
  /// Oldest events are dropped beyond this many undrained ones (step events are the bulk).
  public let queueLimit: Int
  /// Events dropped from the observer queue because nobody drained them.
  public private(set) var dropped = 0

  /// Opens (creating or appending to) `path`; nil path keeps events in memory only.
  public init(path: String?, queueLimit: Int = 100_000) throws {
    self.queueLimit = queueLimit
    if let path {
      if !FileManager.default.fileExists(atPath: path) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
          throw TrainingError("cannot create \(path); check that the run directory is writable")
        }
      }
      guard let h = FileHandle(forWritingAtPath: path) else {
        throw TrainingError("cannot open \(path) for appending")
      }
      h.seekToEndOfFile()
      handle = h
    } else {
      handle = nil
    }
  }

  /// Records an event.
  public func emit(_ e: TrainingEvent) {
    let line = EventCodec.encode(e) + "\n"
    handle?.write(line.data(using: .utf8)!)
    lock.lock()
    pending.append(e)
    if pending.count > queueLimit {
      let excess = pending.count - queueLimit
      pending.removeFirst(excess)
      dropped += excess
    }
    lock.unlock()
  }

  /// Takes all events not yet taken.
  public func drain() -> [TrainingEvent] {
    lock.lock()
    defer { lock.unlock() }
    let out = pending
    pending.removeAll(keepingCapacity: true)
    return out
  }

  deinit { try? handle?.close() }
}

/// A training failure with a one-line, user-facing description that names the problem and the fix.
public struct TrainingError: Error, CustomStringConvertible {
  /// The message.
  public let description: String
  /// Wraps a message.
  public init(_ description: String) { self.description = description }
}
