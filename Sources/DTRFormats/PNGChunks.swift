import CZlib
import Foundation

/// PNG chunk framing: the signature, writing chunks with their CRC, and splitting a file into the
/// chunks the reader needs.
enum PNGChunks {
  /// The 8 bytes that start every PNG file.
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Appends a chunk: big-endian length, type, data, CRC-32 of type and data.
  static func append(_ type: String, _ data: Data, to out: inout Data) {
    var body = Data(type.utf8)
    body.append(data)
    out.appendBigEndian(UInt32(data.count))
    out.append(body)
    out.appendBigEndian(UInt32(crc(body)))
  }

  /// zlib's CRC-32 of `bytes`.
  private static func crc(_ bytes: Data) -> uLong {
    bytes.withUnsafeBytes { crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count)) }
  }

  /// The chunks of a PNG file that matter for decoding.
  struct Parsed {
    /// The IHDR chunk's data.
    let header: Data
    /// All IDAT chunks' data, concatenated.
    let imageData: Data
  }

  /// Splits `data` into chunks, checking the signature, each chunk's bounds and CRC, that IHDR comes
  /// first and IEND last, and that no unsupported critical chunk appears.
  static func parse(_ data: Data, source: String) throws -> Parsed {
    let bytes = [UInt8](data)
    guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
      throw FormatError(source, "not a PNG file (bad signature)")
    }
    var offset = 8
    var header: Data?
    var imageData = Data()
    while true {
      guard offset + 12 <= bytes.count else { throw FormatError(source, "file ends before the IEND chunk (truncated?)") }
      let length = Int(bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
      guard length <= bytes.count - offset - 12 else {
        throw FormatError(source, "chunk at byte \(offset) claims \(length) bytes, past the end of the file (truncated?)")
      }
      let body = Data(bytes[(offset + 4)..<(offset + 8 + length)])
      let stored = bytes[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let type = String(decoding: body.prefix(4), as: UTF8.self)
      guard UInt32(crc(body)) == stored else { throw FormatError(source, "CRC mismatch in \(type) chunk at byte \(offset)") }
      let payload = body.dropFirst(4)
      offset += 12 + length
      if header == nil && type != "IHDR" { throw FormatError(source, "first chunk is \(type), expected IHDR") }
      switch type {
      case "IHDR": header = Data(payload)
      case "IDAT": imageData.append(payload)
      case "IEND": return Parsed(header: header!, imageData: imageData)
      case "PLTE": break  // a suggested palette for RGB images; not needed
      default:
        if let first = body.first, first & 0x20 == 0 {
          throw FormatError(source, "unsupported critical chunk \(type)")
        }
      }
    }
  }

  /// Width, height and colour type from IHDR data, accepting only 8-bit grey or RGB, non-interlaced.
  static func header(_ ihdr: Data, source: String) throws -> (Int, Int, PNGImage.ColorType) {
    let h = [UInt8](ihdr)
    guard h.count == 13 else { throw FormatError(source, "IHDR chunk is \(h.count) bytes, expected 13") }
    let width = Int(h[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    let height = Int(h[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    guard width > 0, height > 0 else { throw FormatError(source, "image size \(width)×\(height) is empty") }
    guard h[8] == 8 else { throw FormatError(source, "bit depth \(h[8]) is not supported (only 8)") }
    guard let colorType = PNGImage.ColorType(rawValue: h[9]) else {
      throw FormatError(source, "colour type \(h[9]) is not supported (only 0 greyscale and 2 RGB)")
    }
    guard h[10] == 0, h[11] == 0 else { throw FormatError(source, "unknown compression or filter method") }
    guard h[12] == 0 else { throw FormatError(source, "interlaced PNGs are not supported") }
    return (width, height, colorType)
  }
}
