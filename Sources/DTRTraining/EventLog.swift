import Foundation

/// The run's event stream: appends each event to `events.jsonl` (one line, one write) and hands it to an
/// in-process host through a bounded in-memory queue, so a slow or absent reader never blocks training.
public final class EventLog: @unchecked Sendable {
  private let handle: FileHandle?
  private let lock = NSLock()
  private var pending: [TrainingEvent] = []
  /// Oldest events are dropped beyond this many undrained ones (step events are the bulk).
  public let queueLimit: Int
  /// Whether events are also queued for ``drain()`` (off while nobody in this process reads them, e.g.
  /// while `dtr train`'s workbench follows the file instead, so the queue does not fill memory).
  public var queues: Bool {
    get { lock.lock(); defer { lock.unlock() }; return queueing }
    set { lock.lock(); queueing = newValue; if !newValue { pending.removeAll() }; lock.unlock() }
  }
  private var queueing = true
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
      guard let h = FileHandle(forUpdatingAtPath: path) else {
        throw TrainingError("cannot open \(path) for appending")
      }
      try Self.dropPartialLastLine(h)
      handle = h
    } else {
      handle = nil
    }
  }

  /// A writer killed mid-line leaves a partial last line; appending after it would corrupt the next
  /// record, so it is cut off (it was never a complete event).
  private static func dropPartialLastLine(_ h: FileHandle) throws {
    let size = try h.seekToEnd()
    guard size > 0 else { return }
    let tail = UInt64(min(size, 1 << 16))
    try h.seek(toOffset: size - tail)
    let bytes = try h.read(upToCount: Int(tail)) ?? Data()
    guard bytes.last != UInt8(ascii: "\n") else { return }
    let keep = bytes.lastIndex(of: UInt8(ascii: "\n")).map { size - tail + UInt64($0 - bytes.startIndex) + 1 }
      ?? (size > tail ? size : 0)  // a line longer than 64 KiB is not ours to judge
    try h.truncate(atOffset: keep)
    try h.seekToEnd()
  }

  /// Records an event.
  public func emit(_ e: TrainingEvent) {
    let line = EventCodec.encode(e) + "\n"
    handle?.write(line.data(using: .utf8)!)
    lock.lock()
    defer { lock.unlock() }
    guard queueing else { return }
    pending.append(e)
    if pending.count > queueLimit {
      let excess = pending.count - queueLimit
      pending.removeFirst(excess)
      dropped += excess
    }
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
