import DTREngine
import Foundation

/// A safetensors file: named tensors, in the order they were added (which is also their order in the
/// data section), plus an optional string-to-string metadata map.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON (padded with spaces so the data
/// starts 8-byte aligned) mapping each name to `dtype`, `shape` and `data_offsets` (relative to the
/// data section), then the tensors' bytes back to back.
public struct SafeTensorsFile: Sendable {
  /// One named tensor.
  public struct Entry: Equatable, Sendable {
    /// The tensor's name (its key in the header).
    public let name: String
    /// Its type, shape and bytes.
    public let tensor: RawTensor
  }

  /// The tensors, in file order.
  public private(set) var entries: [Entry] = []
  /// The `__metadata__` map (omitted from the file when empty).
  public var metadata: [String: String]
  /// The path this file was read from, or `<memory>`; used in error messages.
  public private(set) var source: String
  /// The position of each name in ``entries``.
  private var positions: [String: Int] = [:]

  /// An empty file with the given metadata.
  public init(metadata: [String: String] = [:]) {
    self.metadata = metadata
    self.source = "<memory>"
  }

  /// The names of the tensors, in file order.
  public var names: [String] { entries.map(\.name) }

  /// The tensor called `name`, if present.
  public subscript(name: String) -> RawTensor? { positions[name].map { entries[$0].tensor } }

  /// Appends a tensor. The name must be new and must not be `__metadata__`.
  public mutating func add(_ name: String, _ tensor: RawTensor) {
    precondition(name != "__metadata__", "the name __metadata__ is reserved")
    precondition(positions[name] == nil, "duplicate tensor name \(name)")
    positions[name] = entries.count
    entries.append(Entry(name: name, tensor: tensor))
  }

  /// Appends `values` with the given shape.
  public mutating func add<T: TensorElement>(_ name: String, _ values: [T], shape: [Int]) {
    add(name, RawTensor(values, shape: shape))
  }

  /// Appends the current contents and shape of `tensor` as F32.
  public mutating func add(_ name: String, _ tensor: Tensor) { add(name, RawTensor(tensor)) }

  /// The tensor called `name`, or an error naming the file and the missing tensor.
  public func entry(_ name: String) throws -> RawTensor {
    guard let t = self[name] else { throw FormatError(source, "no tensor named '\(name)'") }
    return t
  }

  /// The elements of tensor `name` as `T`; throws if it is missing or of another element type.
  public func values<T: TensorElement>(_ name: String, as type: T.Type) throws -> [T] {
    try entry(name).values(as: type, path: source, what: "tensor '\(name)'")
  }

  /// Tensor `name` as a new `Tensor`; throws if it is missing or not F32.
  public func tensor(_ name: String) throws -> Tensor {
    let t = try entry(name)
    guard let result = t.tensor() else { throw t.typeMismatch(.float32, path: source, what: "tensor '\(name)'") }
    return result
  }

  /// Copies F32 tensor `name` into `tensor`, whose shape must be the same; throws otherwise.
  public func copy(_ name: String, into tensor: Tensor) throws {
    let t = try entry(name)
    guard t.shape == tensor.shape else {
      throw FormatError(source, "tensor '\(name)' has shape \(t.shape), expected \(tensor.shape)")
    }
    guard t.copy(into: tensor) else { throw t.typeMismatch(.float32, path: source, what: "tensor '\(name)'") }
  }

  // MARK: Encoding

  /// The complete file contents.
  public func encoded() -> Data {
    var header = Data(SafeTensorsHeader.json(entries: entries, metadata: metadata).utf8)
    header.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8))
    var out = Data(capacity: 8 + header.count + entries.reduce(0) { $0 + $1.tensor.bytes.count })
    out.appendLittleEndian(UInt64(header.count))
    out.append(header)
    for e in entries { out.append(contentsOf: e.tensor.bytes) }
    return out
  }

  /// Writes the file atomically to `path`.
  public func write(to path: String) throws { try AtomicFile.write(encoded(), to: path) }

  // MARK: Decoding

  /// Reads and validates the safetensors file at `path`.
  public static func read(from path: String) throws -> SafeTensorsFile {
    try SafeTensorsFile(decoding: FileBytes.read(path), source: path)
  }

  /// Decodes and validates safetensors bytes; `source` names them in error messages.
  public init(decoding data: Data, source: String = "<memory>") throws {
    self.init()
    self.source = source
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      guard raw.count >= 8 else {
        throw FormatError(source, "file is \(raw.count) bytes, too short for the 8-byte header length")
      }
      let headerLength = raw.littleEndian(at: 0, as: UInt64.self)
      guard headerLength <= UInt64(raw.count - 8) else {
        throw FormatError(source, "header length \(headerLength) runs past the end of the file (\(raw.count) bytes)")
      }
      let dataStart = 8 + Int(headerLength)
      let header = try SafeTensorsHeader(
        json: Data(raw[8..<dataStart]), dataLength: raw.count - dataStart, source: source)
      metadata = header.metadata
      for t in header.tensors {
        let bytes = Array(raw[(dataStart + t.begin)..<(dataStart + t.end)])
        add(t.name, RawTensor(elementType: t.type, shape: t.shape, bytes: bytes))
      }
    }
  }
}
