import DTRFormats
import Foundation

/// The one place events become `events.jsonl` lines and lines become events.
///
/// A line is a compact JSON object: `type`, `time`, `step`, then the payload's keys, sorted. Decoding skips
/// (returns nil for) blank, truncated or malformed lines and kinds it does not know; keys it does not
/// know are ignored, so a reader keeps working on a log written by a newer version.
public enum EventCodec {
  private static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }()

  /// One line, without the newline.
  public static func encode(_ e: TrainingEvent) -> String {
    let body: Data
    switch e.payload {
    case .runStart(let p): body = payload(p)
    case .step(let p): body = payload(p)
    case .epochEnd(let p): body = payload(p)
    case .hparamChange(let p): body = payload(p)
    case .hparamStaged(let p): body = payload(p)
    case .hparamUnstaged(let p): body = payload(p)
    case .command(let p): body = payload(p)
    case .checkpoint(let p): body = payload(p)
    case .samples(let p): body = payload(p)
    case .pause(let p): body = payload(p)
    case .resume(let p): body = payload(p)
    case .alert(let p): body = payload(p)
    case .evalProgress(let p): body = payload(p)
    case .eval(let p): body = payload(p)
    case .runEnd(let p): body = payload(p)
    case .affinity(let p): body = payload(p)
    }
    let head = "{\"type\":\"\(e.kind.rawValue)\",\"time\":\(number(e.time)),\"step\":\(e.step)"
    // body is "{}" or "{...}": splice its keys after the head.
    return body.count <= 2 ? head + "}" : head + "," + String(decoding: body.dropFirst(), as: UTF8.self)
  }

  private static func payload<P: Encodable>(_ p: P) -> Data {
    // Payload types hold only strings, integers, booleans and finite-or-absent doubles.
    (try? encoder.encode(p)) ?? Data("{}".utf8)
  }

  private struct Header: Decodable {
    var type: String
    var time: Double?
    var step: Int?
  }

  /// Parses one line; nil for a blank, partial or malformed line or an unknown kind.
  public static func decode(_ line: Substring) -> TrainingEvent? {
    var copy = line
    return copy.withUTF8 { decode(utf8: $0) }
  }

  /// Parses one line given as UTF-8 bytes (without its newline); nil like ``decode(_:)``. `step` lines in
  /// the form ``encode(_:)`` writes take a fast path (``StepLineDecoder``); every other line, `JSONDecoder`.
  public static func decode(utf8 line: UnsafeBufferPointer<UInt8>) -> TrainingEvent? {
    if let e = StepLineDecoder.decode(line) { return e }
    let data = Data(line)
    let decoder = JSONDecoder()
    guard let header = try? decoder.decode(Header.self, from: data),
      let kind = TrainingEvent.Kind(rawValue: header.type)
    else { return nil }
    func p<P: Decodable>(_ type: P.Type) throws -> P { try decoder.decode(P.self, from: data) }
    let payload: TrainingEvent.Payload
    do {
      switch kind {
      case .runStart: payload = .runStart(try p(RunStart.self))
      case .step: payload = .step(try p(StepMetrics.self))
      case .epochEnd: payload = .epochEnd(try p(EpochEnd.self))
      case .hparamChange: payload = .hparamChange(try p(HparamChange.self))
      case .hparamStaged: payload = .hparamStaged(try p(HparamStaged.self))
      case .hparamUnstaged: payload = .hparamUnstaged(try p(HparamUnstaged.self))
      case .command: payload = .command(try p(CommandAnswer.self))
      case .checkpoint: payload = .checkpoint(try p(CheckpointWritten.self))
      case .samples: payload = .samples(try p(SamplesWritten.self))
      case .pause: payload = .pause(try p(Paused.self))
      case .resume: payload = .resume(try p(Resumed.self))
      case .alert: payload = .alert(try p(Alert.self))
      case .evalProgress: payload = .evalProgress(try p(EvalProgress.self))
      case .eval: payload = .eval(try p(Evaluation.self))
      case .runEnd: payload = .runEnd(try p(RunEnd.self))
      case .affinity: payload = .affinity(try p(TaskAffinity.Result.self))
      }
    } catch {
      return nil
    }
    return TrainingEvent(payload, step: header.step ?? 0, time: header.time ?? 0)
  }

  /// JSON number text for the header's time.
  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }
}
