import Foundation

/// Reads a run's `events.jsonl` as it grows: each ``read()`` decodes the complete lines appended since the
/// last one (a partly written last line waits for its newline). A file that does not exist yet reads as
/// empty; a file that shrank (replaced) is read again from the start.
public final class EventFollower: @unchecked Sendable {
  /// The file followed.
  public let path: String
  private var offset: UInt64 = 0
  private var partial: [UInt8] = []

  /// Follows `path`.
  public init(path: String) { self.path = path }

  /// Events appended since the last call, oldest first.
  public func read() -> [TrainingEvent] {
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
}
