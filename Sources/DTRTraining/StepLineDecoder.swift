import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// ``EventCodec``'s fast path for `step` lines, the bulk of every `events.jsonl` (one per optimizer step).
///
/// It reads exactly the shape ``EventCodec/encode(_:)`` writes — `{"type":"step","time":…,"step":…,` then
/// the payload's keys, compact, with strict JSON numbers — and gives up (nil) on anything else: another
/// kind, whitespace, escapes, an unknown or repeated key, a number JSON does not allow. ``EventCodec``
/// then decodes the line with `JSONDecoder`, which stays the definition of what a line means; on the
/// lines this path accepts it gives the same event (the same doubles: both parse correctly rounded).
/// About ten times faster than `JSONDecoder`, which matters when a long run's log is opened.
enum StepLineDecoder {
  private static let prefix = Array(#"{"type":"step","#.utf8)
  /// The C locale for `strtod` (the workbench sets the user's locale, whose decimal point may be a comma).
  private static let cLocale = newlocale(1 << LC_NUMERIC, "C", nil)

  /// The event on `line` (no newline), or nil when the line is not a compact `step` line.
  static func decode(_ line: UnsafeBufferPointer<UInt8>) -> TrainingEvent? {
    guard line.count > prefix.count, line.starts(with: prefix), let cLocale else { return nil }
    let saved = uselocale(cLocale)
    defer { uselocale(saved) }
    var s = Scanner(bytes: line, at: prefix.count - 1)
    var time: Double?, step: Int?, epoch: Int?, loss: Double??, lr: Double??, gradNorm: Double??, imgPerS: Double??
    var buckets: [Double?]?
    func once<T>(_ slot: inout T?, _ value: T?) -> Bool {
      guard slot == nil, let value else { return false }
      slot = value
      return true
    }
    repeat {
      guard s.take(UInt8(ascii: ",")), let key = s.key() else { return nil }
      let ok: Bool
      switch key {
      case "time": ok = once(&time, s.number())
      case "step": ok = once(&step, s.integer())
      case "epoch": ok = once(&epoch, s.integer())
      case "loss": ok = once(&loss, s.optionalNumber())
      case "lr": ok = once(&lr, s.optionalNumber())
      case "grad_norm": ok = once(&gradNorm, s.optionalNumber())
      case "img_per_s": ok = once(&imgPerS, s.optionalNumber())
      case "bucket_loss": ok = once(&buckets, s.numberArray())
      default: ok = false
      }
      guard ok else { return nil }
    } while s.peek == UInt8(ascii: ",")
    guard s.take(UInt8(ascii: "}")), s.atEnd else { return nil }
    let metrics = StepMetrics(epoch: epoch ?? 1, loss: loss ?? nil, lr: lr ?? nil, gradNorm: gradNorm ?? nil,
                              imgPerS: imgPerS ?? nil, bucketLoss: buckets ?? [])
    return TrainingEvent(.step(metrics), step: step ?? 0, time: time ?? 0)
  }

  /// A cursor over one line's bytes.
  private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var at: Int

    init(bytes: UnsafeBufferPointer<UInt8>, at: Int) { (self.bytes, self.at) = (bytes, at) }

    var atEnd: Bool { at == bytes.count }
    var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func take(_ c: UInt8) -> Bool {
      guard peek == c else { return false }
      at += 1
      return true
    }

    /// `"name":`, for names without escapes.
    mutating func key() -> String? {
      guard take(UInt8(ascii: "\"")) else { return nil }
      let start = at
      while let c = peek, c != UInt8(ascii: "\"") {
        guard c != UInt8(ascii: "\\"), c >= 0x20 else { return nil }
        at += 1
      }
      let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
      return take(UInt8(ascii: "\"")) && take(UInt8(ascii: ":")) ? name : nil
    }

    /// The extent of a strict JSON number at the cursor: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`;
    /// whether it has a fraction or an exponent.
    private mutating func numberSpan() -> (Range<Int>, integral: Bool)? {
      let start = at
      func digits(_ s: inout Scanner) -> Int {
        let from = s.at
        while let c = s.peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { s.at += 1 }
        return s.at - from
      }
      _ = take(UInt8(ascii: "-"))
      let leadingZero = peek == UInt8(ascii: "0")
      let whole = digits(&self)
      guard whole > 0, !(leadingZero && whole > 1) else { return nil }
      var integral = true
      if take(UInt8(ascii: ".")) {
        guard digits(&self) > 0 else { return nil }
        integral = false
      }
      if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
        if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
        guard digits(&self) > 0 else { return nil }
        integral = false
      }
      return (start..<at, integral)
    }

    mutating func number() -> Double? {
      guard let (span, _) = numberSpan() else { return nil }
      // The byte after the span (`,` `]` `}`) stops strtod; a span it does not read whole is refused.
      return bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { base in
        var end: UnsafeMutablePointer<CChar>?
        let v = strtod(base + span.lowerBound, &end)
        return end.map { UnsafePointer($0) } == base + span.upperBound && v.isFinite ? v : nil
      }
    }

    mutating func integer() -> Int? {
      guard let (span, integral) = numberSpan(), integral else { return nil }
      var v = 0
      let negative = bytes[span.lowerBound] == UInt8(ascii: "-")
      for i in span.dropFirst(negative ? 1 : 0) {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - UInt8(ascii: "0")))
        guard !o1, !o2 else { return nil }
        v = a
      }
      return negative ? -v : v
    }

    /// A number or `null` (nil inside), or nil when neither is there.
    mutating func optionalNumber() -> Double?? {
      if peek == UInt8(ascii: "n") { return null() ? .some(nil) : nil }
      return number().map { .some($0) }
    }

    mutating func null() -> Bool {
      guard at + 4 <= bytes.count, bytes[at] == UInt8(ascii: "n"), bytes[at + 1] == UInt8(ascii: "u"),
        bytes[at + 2] == UInt8(ascii: "l"), bytes[at + 3] == UInt8(ascii: "l")
      else { return false }
      at += 4
      return true
    }

    /// `[n, null, …]`.
    mutating func numberArray() -> [Double?]? {
      guard take(UInt8(ascii: "[")) else { return nil }
      var out: [Double?] = []
      out.reserveCapacity(10)
      if take(UInt8(ascii: "]")) { return out }
      repeat {
        guard let v = optionalNumber() else { return nil }
        out.append(v)
      } while take(UInt8(ascii: ","))
      return take(UInt8(ascii: "]")) ? out : nil
    }
  }
}
