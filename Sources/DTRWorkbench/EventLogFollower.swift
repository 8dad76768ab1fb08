import DTRTraining
import Foundation

/// A read-only session that follows another run's `events.jsonl` as it grows (`dtr watch RUN_DIR`).
///
/// Each `drainEvents()` reads the bytes appended since the last call and decodes the complete lines; a
/// partly written last line waits for its newline. A file that does not exist yet reads as empty, and a
/// file that shrank (replaced) is read again from the start.
public final class EventLogFollower: TrainingSession, @unchecked Sendable {
  public let runDirectory: String
  /// The file followed.
  public let path: String
  public var isReadOnly: Bool { true }

  private let lock = NSLock()
  private var offset: UInt64 = 0
  private var partial: [UInt8] = []

  /// Follows `runDirectory/events.jsonl`.
  public init(runDirectory: String) {
    self.runDirectory = runDirectory
    path = (runDirectory as NSString).appendingPathComponent("events.jsonl")
  }

  public func drainEvents() -> [TrainingEvent] {
    lock.lock()
    defer { lock.unlock() }
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    if size < offset {
      offset = 0
      partial = []
    }
    guard size > offset else { return [] }
    do {
      try handle.seek(toOffset: offset)
      guard let data = try handle.read(upToCount: Int(size - offset)) else { return [] }
      offset += UInt64(data.count)
      partial.append(contentsOf: data)
    } catch {
      return []
    }
    guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
    let complete = String(decoding: partial[..<lastNewline], as: UTF8.self)
    partial.removeSubrange(...lastNewline)
    return complete.split(separator: "\n").compactMap(EventCodec.decode)
  }

  /// Ignored: a follower cannot steer.
  public func send(_ command: TrainerCommand) {}
}
