import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a run's `events.jsonl` as it grows: each ``read()`` decodes the complete lines appended since the
/// last one (a partly written last line waits for its newline). A file that does not exist yet reads as
/// empty; a file that shrank (replaced) is read again from the start, and handed out again as history
/// too, so a reader rebuilds its state from the new file alone.
///
/// A long file opens at once, newest records first: the first ``read()`` of a file longer than
/// ``tailBytes`` decodes only its last ``tailBytes`` (preceded by the run's first record when that is its
/// `run_start`, so the configuration is known), and ``readHistory()`` then hands out the whole file from
/// its start, ``chunkBytes`` at a time, up to where ``read()`` has got (``EventHistory``). Each call reads
/// at most ``chunkBytes`` (more only for a single longer line), so a reader's memory does not grow with
/// the log.
public final class EventFollower: @unchecked Sendable {
  /// The file followed.
  public let path: String
  /// How much of a long file's end the first ``read()`` decodes.
  public let tailBytes: Int
  /// The most one ``read()`` or ``readHistory()`` takes from the file.
  public let chunkBytes: Int
  /// Bytes of the file taken by ``read()`` (complete lines, then ``partial``).
  private var offset: UInt64 = 0
  private var partial: [UInt8] = []
  /// Where the next history chunk starts; nil when no history is pending.
  private var historyNext: UInt64?
  /// The history chunks' buffer, reused (fresh pages for every chunk cost more than decoding them).
  private var scratch: [UInt8] = []

  /// Follows `path`; the defaults open a 400k-step log (154 MB) in a few tens of milliseconds.
  public init(path: String, tailBytes: Int = 1 << 20, chunkBytes: Int = 4 << 20) {
    self.path = path
    self.tailBytes = max(1, tailBytes)
    self.chunkBytes = max(1, chunkBytes)
  }

  /// Every record of the file at `path`, in file order, however long it is (for readers that need the
  /// whole run, such as experiment results and ``QualityTimeline``; ``read()`` starts a long file at its tail).
  public static func readAll(path: String) -> [TrainingEvent] {
    EventFollower(path: path, tailBytes: Int.max, chunkBytes: Int.max).read()
  }

  /// Events appended since the last call, oldest first (on a long file's first call, its newest ones).
  public func read() -> [TrainingEvent] {
    guard let file = OpenFile(path) else { return [] }
    if file.size < offset {
      (offset, partial, historyNext, scratch) = (0, [], 0, [])
    }
    guard file.size > offset else { return [] }
    var events: [TrainingEvent] = []
    if offset == 0, file.size > UInt64(tailBytes) {
      let from = file.size - UInt64(tailBytes) - 1
      let tail = file.read(at: from, count: tailBytes + 1)
      if let newline = tail.firstIndex(of: Self.newline) {
        if let first = file.firstLine(), let e = Self.decodeLines(first).first, e.kind == .runStart { events.append(e) }
        offset = from + UInt64(tail.count)
        historyNext = 0
        return events + take(tail[(newline + 1)...])
      }
    }
    let bytes = file.read(at: offset, count: Int(min(file.size - offset, UInt64(chunkBytes))))
    offset += UInt64(bytes.count)
    return take(bytes[...])
  }

  /// The next chunk of the file in order, from its start up to the newest records ``read()`` has handed
  /// out; nil when none is pending (a short file, or the last chunk was handed out).
  public func readHistory() -> EventHistory? {
    guard let next = historyNext, let file = OpenFile(path) else { return nil }
    let end = offset - UInt64(partial.count)
    var count = chunkBytes, got = 0
    repeat {
      got = file.read(at: next, count: Int(min(UInt64(count), end - next)), into: &scratch)
      count *= 2
    } while next + UInt64(got) < end && got > 0 && !scratch[..<got].contains(Self.newline)
    guard got > 0 || next == end else { return nil }
    var stop = next + UInt64(got)
    if stop < end, let last = scratch[..<got].lastIndex(of: Self.newline) { stop = next + UInt64(last + 1) }
    let events = Self.decodeLines(scratch[..<Int(stop - next)])
    historyNext = stop < end ? stop : nil
    if historyNext == nil { scratch = [] }
    return EventHistory(events: events, isFirst: next == 0, isComplete: stop >= end,
                        fraction: end > 0 ? Double(stop) / Double(end) : 1)
  }

  /// Appends `bytes` to the partial line and decodes the complete lines.
  private func take(_ bytes: ArraySlice<UInt8>) -> [TrainingEvent] {
    partial.append(contentsOf: bytes)
    guard let lastNewline = partial.lastIndex(of: Self.newline) else { return [] }
    let events = Self.decodeLines(partial[...lastNewline])
    partial.removeSubrange(...lastNewline)
    return events
  }

  private static let newline = UInt8(ascii: "\n")

  /// The events on the newline-separated lines of `bytes` (a last line without newline included).
  private static func decodeLines(_ bytes: ArraySlice<UInt8>) -> [TrainingEvent] {
    bytes.withUnsafeBufferPointer { buffer in
      var events: [TrainingEvent] = []
      var start = 0
      while start < buffer.count {
        let base = UnsafeRawPointer(buffer.baseAddress!)
        let end = memchr(base + start, Int32(newline), buffer.count - start).map { base.distance(to: UnsafeRawPointer($0)) }
          ?? buffer.count
        if let e = EventCodec.decode(utf8: UnsafeBufferPointer(rebasing: buffer[start..<end])) { events.append(e) }
        start = end + 1
      }
      return events
    }
  }
}

/// A file opened for reading with `pread`, closed when released.
private final class OpenFile {
  let fd: Int32
  let size: UInt64

  init?(_ path: String) {
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      close(fd)
      return nil
    }
    size = UInt64(st.st_size)
  }

  deinit { close(fd) }

  /// Up to `count` bytes at `offset` (fewer at the end of the file or on an error).
  func read(at offset: UInt64, count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    let got = read(at: offset, count: count, into: &bytes)
    bytes.removeSubrange(got...)
    return bytes
  }

  /// Reads up to `count` bytes at `offset` into the start of `buffer` (grown when needed); returns how
  /// many were read.
  func read(at offset: UInt64, count: Int, into buffer: inout [UInt8]) -> Int {
    if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
    var got = 0
    while got < count {
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset) + off_t(got)) }
      if n <= 0 { break }
      got += n
    }
    return got
  }

  /// The first line (without its newline), when it ends within 64 KiB.
  func firstLine() -> ArraySlice<UInt8>? {
    let head = read(at: 0, count: Int(min(size, 1 << 16)))
    return head.firstIndex(of: UInt8(ascii: "\n")).map { head[..<$0] }
  }
}
