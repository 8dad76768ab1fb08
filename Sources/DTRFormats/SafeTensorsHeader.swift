import Foundation

/// The JSON header of a safetensors file: writing it, and parsing and validating it.
struct SafeTensorsHeader {
  /// One tensor's header record, validated against the data section.
  struct Tensor {
    let name: String
    let type: ElementType
    let shape: [Int]
    /// Byte range within the data section.
    let begin: Int, end: Int
  }

  /// The `__metadata__` map.
  let metadata: [String: String]
  /// The tensors, sorted by data offset (file order).
  let tensors: [Tensor]

  // MARK: Writing

  /// The header JSON for `entries` laid out back to back in order, with `metadata` (keys sorted).
  static func json(entries: [SafeTensorsFile.Entry], metadata: [String: String]) -> String {
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key)):\(JSONText.quote($0.value))" }
      fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for e in entries {
      let t = e.tensor
      let shape = t.shape.map(String.init).joined(separator: ",")
      fields.append(#"\#(JSONText.quote(e.name)):{"dtype":"\#(t.elementType.safetensorsName)","shape":[\#(shape)],"#
        + #""data_offsets":[\#(offset),\#(offset + t.bytes.count)]}"#)
      offset += t.bytes.count
    }
    return "{" + fields.joined(separator: ",") + "}"
  }


  // MARK: Reading

  /// Parses header JSON and checks every record against a data section of `dataLength` bytes:
  /// known dtype, non-negative dimensions, offsets inside the data, sizes matching shape × dtype, and
  /// tensors tiling the data section without gaps or overlaps.
  init(json: Data, dataLength: Int, source: String) throws {
    let parsed: Parsed
    do {
      parsed = try JSONDecoder().decode(Parsed.self, from: json)
    } catch let error as DecodingError {
      throw FormatError(source, "bad safetensors header: \(Self.describe(error))")
    } catch {
      throw FormatError(source, "bad safetensors header: \(error)")
    }
    metadata = parsed.metadata
    var tensors: [Tensor] = []
    for (name, record) in parsed.records {
      let what = "tensor '\(name)'"
      guard let type = ElementType(safetensorsName: record.dtype) else {
        let known = ElementType.allCases.map(\.safetensorsName).joined(separator: ", ")
        throw FormatError(source, "\(what) has unsupported dtype '\(record.dtype)' (supported: \(known))")
      }
      guard record.shape.allSatisfy({ $0 >= 0 }) else {
        throw FormatError(source, "\(what) has a negative dimension in shape \(record.shape)")
      }
      guard record.data_offsets.count == 2 else {
        throw FormatError(source, "\(what) has \(record.data_offsets.count) data_offsets, expected 2")
      }
      let (begin, end) = (record.data_offsets[0], record.data_offsets[1])
      guard 0 <= begin, begin <= end, end <= dataLength else {
        throw FormatError(source, "\(what) has data_offsets [\(begin), \(end)] outside the \(dataLength)-byte data section")
      }
      guard let size = Shape.byteCount(record.shape, type), size == end - begin else {
        throw FormatError(source, "\(what) spans \(end - begin) bytes but \(record.dtype) \(record.shape) needs "
          + (Shape.byteCount(record.shape, type).map { "\($0)" } ?? "more than fits in memory"))
      }
      tensors.append(Tensor(name: name, type: type, shape: record.shape, begin: begin, end: end))
    }
    tensors.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var covered = 0
    for t in tensors {
      guard t.begin == covered else {
        let how = t.begin < covered ? "overlaps the previous tensor" : "leaves a gap before it"
        throw FormatError(source, "tensor '\(t.name)' at data_offsets [\(t.begin), \(t.end)] \(how) (expected start \(covered))")
      }
      covered = t.end
    }
    guard covered == dataLength else {
      throw FormatError(source, "tensors cover \(covered) bytes but the data section has \(dataLength)")
    }
    self.tensors = tensors
  }

  /// The header as decoded from JSON, before validation.
  private struct Parsed: Decodable {
    var metadata: [String: String] = [:]
    var records: [(String, Record)] = []

    init(from decoder: Decoder) throws {
      let container = try decoder.container(keyedBy: Key.self)
      for key in container.allKeys {
        if key.stringValue == "__metadata__" {
          metadata = try container.decode([String: String].self, forKey: key)
        } else {
          records.append((key.stringValue, try container.decode(Record.self, forKey: key)))
        }
      }
    }
  }

  /// One tensor's JSON record.
  private struct Record: Decodable {
    let dtype: String
    let shape: [Int]
    let data_offsets: [Int]
  }

  /// Any JSON object key.
  private struct Key: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
  }

  /// A one-line account of a JSON decoding error, with the key path where it happened.
  private static func describe(_ error: DecodingError) -> String {
    let context: DecodingError.Context
    switch error {
    case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
    @unknown default: return "\(error)"
    }
    var text = context.debugDescription
    if case .keyNotFound(let key, _) = error { text = "missing key '\(key.stringValue)'" }
    if let underlying = context.underlyingError { text += " (\(underlying.localizedDescription))" }
    let path = context.codingPath.map(\.stringValue).joined(separator: ".")
    return (path.isEmpty ? text : "\(text) at '\(path)'").replacingOccurrences(of: "\n", with: " ")
  }
}
