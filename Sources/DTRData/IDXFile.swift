/// An unsigned-byte array from an IDX file: its dimensions and its bytes in row-major order.
public struct IDXArray: Sendable {
  /// The dimensions from the header, outermost first.
  public let dimensions: [Int]
  /// The data, `dimensions.reduce(1, *)` bytes.
  public let bytes: [UInt8]
}

/// The IDX format of the MNIST family: a big-endian magic number (0x00 0x00, type 0x08 for unsigned
/// bytes, number of dimensions), one big-endian 32-bit size per dimension, then the data.
public enum IDXFile {
  /// The magic number of an unsigned-byte, 3-dimensional IDX file (images).
  public static let imagesMagic: UInt32 = 0x0000_0803
  /// The magic number of an unsigned-byte, 1-dimensional IDX file (labels).
  public static let labelsMagic: UInt32 = 0x0000_0801

  /// Reads the IDX file at `path` (gzip-compressed or not), which must have magic number `magic`.
  public static func read(_ path: String, magic: UInt32) throws -> IDXArray {
    try decode(GzipReader.readAll(path), magic: magic, source: path)
  }

  /// Parses IDX bytes, checking the magic number and that the size matches the dimensions exactly.
  public static func decode(_ bytes: consuming [UInt8], magic: UInt32, source: String) throws -> IDXArray {
    guard bytes.count >= 4 else { throw DataError(source, "file is \(bytes.count) bytes, too short for an IDX header") }
    let found = UInt32(word(bytes, at: 0))
    guard found == magic else {
      throw DataError(source, "bad IDX magic number \(hex(found)), expected \(hex(magic)) (corrupt or not this kind of IDX file)")
    }
    let headerSize = 4 + 4 * Int(magic & 0xFF)
    guard bytes.count >= headerSize else { throw DataError(source, "file ends inside the IDX header (truncated)") }
    var dimensions: [Int] = []
    var elements = 1
    for at in stride(from: 4, to: headerSize, by: 4) {
      dimensions.append(word(bytes, at: at))
      let (product, overflow) = elements.multipliedReportingOverflow(by: dimensions.last!)
      elements = overflow ? Int.max : product
    }
    guard elements == bytes.count - headerSize else {
      let need = elements == Int.max ? "more" : "\(elements)"
      throw DataError(source, "dimensions \(dimensions) need \(need) data bytes but the file has \(bytes.count - headerSize) (truncated or corrupt)")
    }
    bytes.removeSubrange(0..<headerSize)
    return IDXArray(dimensions: dimensions, bytes: bytes)
  }

  /// The big-endian 32-bit word at byte `at`.
  private static func word(_ bytes: borrowing [UInt8], at: Int) -> Int {
    bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
  }

  /// `value` as `0x` and eight hex digits.
  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }
}
