import Foundation

/// NumPy `.npy` files: C-order arrays of float32, float64, int64, int32 or uint8.
///
/// Writes format version 1.0 (2.0 only if the header would exceed 65 535 bytes); reads 1.0, 2.0 and
/// 3.0. Big-endian data, Fortran order and structured dtypes are rejected with a ``FormatError``.
public enum NpyFile {
  /// The 6-byte magic string that starts every `.npy` file.
  private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The complete `.npy` file for `array`.
  public static func encode(_ array: RawTensor) -> Data {
    let shape = array.shape.count == 1 ? "(\(array.shape[0]),)"
      : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
    let dict = "{'descr': '\(array.elementType.numpyDescr)', 'fortran_order': False, 'shape': \(shape), }"
    var version: UInt8 = 1
    var header = padded(dict, prefixLength: 10)
    if header.utf8.count > Int(UInt16.max) {
      version = 2
      header = padded(dict, prefixLength: 12)
    }
    var out = Data(magic)
    out.append(contentsOf: [version, 0])
    if version == 1 {
      out.appendLittleEndian(UInt16(header.utf8.count))
    } else {
      out.appendLittleEndian(UInt32(header.utf8.count))
    }
    out.append(contentsOf: header.utf8)
    out.append(contentsOf: array.bytes)
    return out
  }

  /// `dict` padded with spaces and a final newline so that the data after a `prefixLength`-byte
  /// prefix starts 64-byte aligned.
  private static func padded(_ dict: String, prefixLength: Int) -> String {
    dict + String(repeating: " ", count: (64 - (prefixLength + dict.utf8.count + 1) % 64) % 64) + "\n"
  }

  /// Writes `array` atomically to `path`.
  public static func write(_ array: RawTensor, to path: String) throws {
    try AtomicFile.write(encode(array), to: path)
  }

  /// Reads and validates the `.npy` file at `path`.
  public static func read(from path: String) throws -> RawTensor {
    try decode(FileBytes.read(path), source: path)
  }

  /// Decodes and validates `.npy` bytes; `source` names them in error messages.
  public static func decode(_ data: Data, source: String = "<memory>") throws -> RawTensor {
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      guard raw.count >= 10, Array(raw[0..<6]) == magic else {
        throw FormatError(source, "not a .npy file (missing the \\x93NUMPY magic)")
      }
      let (major, minor) = (raw[6], raw[7])
      let lengthSize: Int
      switch major {
      case 1: lengthSize = 2
      case 2, 3: lengthSize = 4
      default: throw FormatError(source, "unsupported .npy format version \(major).\(minor)")
      }
      guard raw.count >= 8 + lengthSize else { throw FormatError(source, "file ends inside the header length") }
      let headerLength = lengthSize == 2 ? Int(raw.littleEndian(at: 8, as: UInt16.self))
        : Int(raw.littleEndian(at: 8, as: UInt32.self))
      let dataStart = 8 + lengthSize + headerLength
      guard dataStart <= raw.count else {
        throw FormatError(source, "header length \(headerLength) runs past the end of the file (\(raw.count) bytes)")
      }
      let header = String(decoding: raw[(8 + lengthSize)..<dataStart], as: UTF8.self)
      let (type, shape) = try parseHeader(header, source: source)
      let expected = Shape.byteCount(shape, type)!
      let actual = raw.count - dataStart
      guard actual == expected else {
        let how = actual < expected ? "is truncated" : "has \(actual - expected) unexpected trailing bytes"
        throw FormatError(source, "data \(how): \(type) \(shape) needs \(expected) bytes, file has \(actual)")
      }
      return RawTensor(elementType: type, shape: shape, bytes: Array(raw[dataStart...]))
    }
  }

  /// The element type and shape from a header dict, validated.
  private static func parseHeader(_ header: String, source: String) throws -> (ElementType, [Int]) {
    let literal: PythonLiteral
    do {
      literal = try PythonLiteral.parse(header)
    } catch {
      throw FormatError(source, "bad .npy header: \(error.message)")
    }
    guard case .dict(let dict) = literal else { throw FormatError(source, "bad .npy header: not a dict") }
    guard Set(dict.keys) == ["descr", "fortran_order", "shape"] else {
      throw FormatError(source, "bad .npy header: keys are \(dict.keys.sorted()), expected descr, fortran_order, shape")
    }
    guard case .string(let descr) = dict["descr"] else {
      throw FormatError(source, "unsupported dtype: descr is not a simple type string (structured arrays are not supported)")
    }
    guard case .bool(let fortranOrder) = dict["fortran_order"] else {
      throw FormatError(source, "bad .npy header: fortran_order is not True or False")
    }
    guard !fortranOrder else {
      throw FormatError(source, "Fortran-order (column-major) arrays are not supported; save a C-order array (np.ascontiguousarray)")
    }
    guard case .sequence(let items) = dict["shape"] else { throw FormatError(source, "bad .npy header: shape is not a tuple") }
    var shape: [Int] = []
    for item in items {
      guard case .int(let d) = item, d >= 0 else {
        throw FormatError(source, "bad .npy header: shape has a non-integer or negative dimension")
      }
      shape.append(d)
    }
    guard Shape.byteCount(shape, .float64) != nil else { throw FormatError(source, "shape \(shape) is too large") }
    return (try elementType(descr: descr, source: source), shape)
  }

  /// The element type for a `descr` such as `<f4`; big-endian and unknown types are errors.
  private static func elementType(descr: String, source: String) throws -> ElementType {
    let order = descr.first
    let code = String(descr.dropFirst())
    if let type = ElementType.allCases.first(where: { $0.numpyCode == code }),
       order == "<" || order == "=" || (type.byteSize == 1 && (order == "|" || order == ">")) {
      return type
    }
    if order == ">" { throw FormatError(source, "big-endian dtype '\(descr)' is not supported") }
    let known = ElementType.allCases.map(\.numpyDescr).joined(separator: ", ")
    throw FormatError(source, "unsupported dtype '\(descr)' (supported: \(known))")
  }
}
