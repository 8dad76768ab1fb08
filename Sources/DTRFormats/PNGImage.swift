import CZlib
import Foundation

/// An 8-bit greyscale or RGB image, with a PNG writer and a reader for the same (non-interlaced)
/// kind of PNG.
public struct PNGImage: Equatable, Sendable {
  /// The supported PNG colour types.
  public enum ColorType: UInt8, Sendable {
    case grey = 0
    case rgb = 2

    /// Bytes per pixel.
    public var channels: Int { self == .grey ? 1 : 3 }
  }

  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Greyscale or RGB.
  public let colorType: ColorType
  /// Row-major pixels, `height × width × channels` bytes (RGB interleaved).
  public var pixels: [UInt8]

  /// An image from its pixels; `pixels.count` must be `width × height × channels`.
  public init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "empty image \(width)×\(height)")
    precondition(pixels.count == width * height * colorType.channels,
                 "\(pixels.count) bytes for a \(width)×\(height) \(colorType) image")
    self.width = width
    self.height = height
    self.colorType = colorType
    self.pixels = pixels
  }

  /// Bytes per row of pixels.
  var rowBytes: Int { width * colorType.channels }

  // MARK: Writing

  /// The complete PNG file, deflated at `compressionLevel` (0–9) after row filtering.
  public func encoded(filter: PNGFilterChoice = .adaptive, compressionLevel: Int32 = 6) throws -> Data {
    var header = Data()
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    header.append(contentsOf: [8, colorType.rawValue, 0, 0, 0])
    var out = Data(PNGChunks.signature)
    PNGChunks.append("IHDR", header, to: &out)
    PNGChunks.append("IDAT", try deflate(filteredRows(filter), level: compressionLevel), to: &out)
    PNGChunks.append("IEND", Data(), to: &out)
    return out
  }

  /// Writes the PNG atomically to `path`.
  public func write(to path: String, filter: PNGFilterChoice = .adaptive) throws {
    do {
      try AtomicFile.write(encoded(filter: filter), to: path)
    } catch let error as FormatError where error.path == "<memory>" {
      throw FormatError(path, error.problem)
    }
  }

  /// The filtered scanlines, each preceded by its filter type byte.
  private func filteredRows(_ choice: PNGFilterChoice) -> [UInt8] {
    let n = rowBytes, bpp = colorType.channels
    var out = [UInt8](repeating: 0, count: height * (n + 1))
    let zeros = [UInt8](repeating: 0, count: n)
    var candidate = [UInt8](repeating: 0, count: n)
    pixels.withUnsafeBufferPointer { px in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<height {
          let row = px.baseAddress! + y * n
          let line = dst.baseAddress! + y * (n + 1)
          zeros.withUnsafeBufferPointer { z in
            let previous = y > 0 ? row - n : z.baseAddress!
            switch choice {
            case .always(let f):
              line[0] = f.rawValue
              f.apply(row: row, previous: previous, bpp: bpp, count: n, into: line + 1)
            case .adaptive:
              var best = Int.max
              candidate.withUnsafeMutableBufferPointer { c in
                for f in PNGRowFilter.allCases {
                  f.apply(row: row, previous: previous, bpp: bpp, count: n, into: c.baseAddress!)
                  let cost = c.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
                  if cost < best {
                    best = cost
                    line[0] = f.rawValue
                    (line + 1).update(from: c.baseAddress!, count: n)
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// `bytes` compressed as a zlib stream.
  private func deflate(_ bytes: [UInt8], level: Int32) throws -> Data {
    var length = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(length))
    let status = compress2(&out, &length, bytes, uLong(bytes.count), level)
    guard status == Z_OK else { throw FormatError("<memory>", "zlib compress2 failed with status \(status)") }
    return Data(out[0..<Int(length)])
  }

  // MARK: Reading

  /// Reads an 8-bit greyscale or RGB, non-interlaced PNG from `path`.
  public static func read(from path: String) throws -> PNGImage {
    try PNGImage(decoding: FileBytes.read(path), source: path)
  }

  /// Decodes an 8-bit greyscale or RGB, non-interlaced PNG (any of the five row filters), checking
  /// chunk CRCs; other PNG kinds and malformed data throw a ``FormatError`` naming `source`.
  public init(decoding data: Data, source: String = "<memory>") throws {
    let chunks = try PNGChunks.parse(data, source: source)
    let (width, height, colorType) = try PNGChunks.header(chunks.header, source: source)
    let rowBytes = width * colorType.channels
    let (size, overflow) = (rowBytes + 1).multipliedReportingOverflow(by: height)
    guard !overflow, size <= 1 << 30 else {
      throw FormatError(source, "image \(width)×\(height) is too large to decode")
    }
    var raw = [UInt8](repeating: 0, count: size)
    var length = uLong(size)
    let status = chunks.imageData.withUnsafeBytes {
      uncompress(&raw, &length, $0.bindMemory(to: Bytef.self).baseAddress, uLong($0.count))
    }
    guard status == Z_OK, Int(length) == size else {
      throw FormatError(source, "image data does not inflate to the expected \(size) bytes (zlib status \(status))")
    }
    var pixels = [UInt8](repeating: 0, count: rowBytes * height)
    let zeros = [UInt8](repeating: 0, count: rowBytes)
    try raw.withUnsafeMutableBufferPointer { lines in
      try zeros.withUnsafeBufferPointer { z in
        for y in 0..<height {
          let line = lines.baseAddress! + y * (rowBytes + 1)
          guard let filter = PNGRowFilter(rawValue: line[0]) else {
            throw FormatError(source, "row \(y) has unknown filter type \(line[0])")
          }
          let previous = y > 0 ? UnsafePointer(line - rowBytes) : z.baseAddress!
          filter.undo(row: line + 1, previous: previous, bpp: colorType.channels, count: rowBytes)
        }
      }
      pixels.withUnsafeMutableBufferPointer { out in
        for y in 0..<height {
          (out.baseAddress! + y * rowBytes).update(from: lines.baseAddress! + y * (rowBytes + 1) + 1, count: rowBytes)
        }
      }
    }
    self.init(width: width, height: height, colorType: colorType, pixels: pixels)
  }
}
