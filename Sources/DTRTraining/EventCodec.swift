import DTRFormats
import Foundation

/// Turns events into single JSON lines and back (the `events.jsonl` format).
public enum EventCodec {
  /// One compact JSON object, no trailing newline; keys `type`, `time`, `step` then the fields, sorted.
  public static func encode(_ e: TrainingEvent) -> String {
    var s = "{\"type\":\"\(e.kind.rawValue)\",\"time\":\(number(e.time)),\"step\":\(e.step)"
    for key in e.fields.keys.sorted() {
      s += ",\(JSONText.quote(key)):"
      write(e.fields[key]!, into: &s)
    }
    return s + "}"
  }

  /// Parses one line; returns nil for a blank, truncated or unknown line (a reader following a live
  /// file may see a partially written last line).
  public static func decode(_ line: Substring) -> TrainingEvent? {
    guard let data = line.data(using: .utf8),
      let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let type = obj["type"] as? String, let kind = TrainingEvent.Kind(rawValue: type)
    else { return nil }
    let time = (obj["time"] as? NSNumber)?.doubleValue ?? 0
    let step = (obj["step"] as? NSNumber)?.intValue ?? 0
    var fields: [String: JSONValue] = [:]
    for (k, v) in obj where k != "type" && k != "time" && k != "step" { fields[k] = value(v) }
    return TrainingEvent(kind, step: step, time: time, fields)
  }

  /// Converts a Foundation JSON object (from `JSONSerialization`) to a ``JSONValue``.
  public static func value(_ any: Any) -> JSONValue {
    switch any {
    case let n as NSNumber:
      if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }  // how Foundation marks JSON booleans
      return .number(n.doubleValue)
    case let s as String: return .string(s)
    case let a as [Any]: return .array(a.map(value))
    case let o as [String: Any]: return .object(o.mapValues(value))
    default: return .null
    }
  }

  /// Serialises a value as compact JSON (sorted keys).
  public static func write(_ v: JSONValue, into s: inout String) {
    switch v {
    case .number(let d): s += number(d)
    case .string(let str): s += JSONText.quote(str)
    case .bool(let b): s += b ? "true" : "false"
    case .null: s += "null"
    case .array(let a):
      s += "["
      for (i, x) in a.enumerated() {
        if i > 0 { s += "," }
        write(x, into: &s)
      }
      s += "]"
    case .object(let o):
      s += "{"
      for (i, k) in o.keys.sorted().enumerated() {
        if i > 0 { s += "," }
        s += JSONText.quote(k) + ":"
        write(o[k]!, into: &s)
      }
      s += "}"
    }
  }

  /// JSON number text; non-finite values become `null` (JSON has no NaN).
  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }
}
