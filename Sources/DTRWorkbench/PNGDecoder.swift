import CZlib
import Foundation

/// A greyscale image, 8 bits per pixel, row-major (what the samples panel draws).
public struct GreyImage: Sendable, Equatable {
  /// Size in pixels, and the pixels (0 = black, 255 = white).
  public let width, height: Int
  public let pixels: [UInt8]

  /// An image; `pixels.count` must be `width × height`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(pixels.count == width * height)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Pixel at (`x`, `y`), 0…1.
  public func value(_ x: Int, _ y: Int) -> Double { Double(pixels[y * width + x]) / 255 }
}

/// A minimal PNG reader for the trainer's sample grids: 8-bit, non-interlaced, greyscale, grey+alpha, RGB,
/// RGBA or palette images, decoded to luminance. (The grids are greyscale Fashion-MNIST; a full decoder is
/// not needed to show them.)
public enum PNGDecoder {
  /// Why an image could not be read.
  public struct DecodeError: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  /// Decodes PNG bytes.
  public static func decode(_ data: [UInt8]) throws -> GreyImage {
    func fail(_ s: String) -> DecodeError { DecodeError(description: s) }
    guard data.count > 8, data[0..<8].elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else { throw fail("not a PNG file") }
    func u32(_ i: Int) -> Int { Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
    var width = 0, height = 0, colorType = 0
    var palette: [UInt8] = []
    var idat: [UInt8] = []
    var pos = 8
    while pos + 8 <= data.count {
      let len = u32(pos)
      let type = String(decoding: data[(pos + 4)..<(pos + 8)], as: UTF8.self)
      let body = pos + 8
      guard len >= 0, body + len <= data.count else { throw fail("truncated \(type) chunk") }
      switch type {
      case "IHDR":
        guard len >= 13 else { throw fail("short IHDR") }
        width = u32(body)
        height = u32(body + 4)
        colorType = Int(data[body + 9])
        guard data[body + 8] == 8 else { throw fail("unsupported bit depth \(data[body + 8])") }
        guard data[body + 12] == 0 else { throw fail("interlaced PNGs are not supported") }
      case "PLTE": palette = Array(data[body..<(body + len)])
      case "IDAT": idat.append(contentsOf: data[body..<(body + len)])
      case "IEND": pos = data.count
      default: break
      }
      pos = body + len + 4
    }
    let channels: Int
    switch colorType {
    case 0, 3: channels = 1
    case 4: channels = 2
    case 2: channels = 3
    case 6: channels = 4
    default: throw fail("unsupported colour type \(colorType)")
    }
    guard width > 0, height > 0, width * height <= 1 << 26 else { throw fail("bad image size \(width)×\(height)") }
    let stride = width * channels
    var raw = [UInt8](repeating: 0, count: height * (stride + 1))
    var rawLen = uLongf(raw.count)
    let status = raw.withUnsafeMutableBufferPointer { out in
      idat.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLen, $0.baseAddress, uLong($0.count)) }
    }
    guard status == Z_OK, rawLen == raw.count else { throw fail("corrupt image data (zlib \(status))") }

    // Undo the per-row filters in place, then convert to grey.
    var lines = [UInt8](repeating: 0, count: height * stride)
    for y in 0..<height {
      let filter = raw[y * (stride + 1)]
      for i in 0..<stride {
        let x = raw[y * (stride + 1) + 1 + i]
        let a = i >= channels ? Int(lines[y * stride + i - channels]) : 0
        let b = y > 0 ? Int(lines[(y - 1) * stride + i]) : 0
        let c = i >= channels && y > 0 ? Int(lines[(y - 1) * stride + i - channels]) : 0
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        case 4:
          let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        default: throw fail("bad filter \(filter) on row \(y)")
        }
        lines[y * stride + i] = UInt8(truncatingIfNeeded: Int(x) + predictor)
      }
    }
    func grey(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
      let l: Double = RGB(r, g, b).luminance * 255
      return UInt8(l.rounded())
    }
    let pixels: [UInt8] = (0..<(width * height)).map { p in
      let i = p * channels
      switch colorType {
      case 3:
        let k = Int(lines[i]) * 3
        return k + 2 < palette.count ? grey(palette[k], palette[k + 1], palette[k + 2]) : 0
      case 2, 6: return grey(lines[i], lines[i + 1], lines[i + 2])
      default: return lines[i]
      }
    }
    return GreyImage(width: width, height: height, pixels: pixels)
  }
}

/// Decoded sample grids by path, so each file is read once (the newest few are kept).
public final class ImageCache {
  private var entries: [String: Result<GreyImage, PNGDecoder.DecodeError>] = [:]
  private var order: [String] = []
  private let capacity: Int

  /// A cache holding up to `capacity` images.
  public init(capacity: Int = 16) {
    self.capacity = capacity
  }

  /// The image at `path`, decoded on first use. A relative path is looked up in `directory` (the run
  /// folder) first, then in the current folder.
  public func image(_ path: String, in directory: String) -> Result<GreyImage, PNGDecoder.DecodeError> {
    let inRun = directory + "/" + path
    let full = path.hasPrefix("/") || !FileManager.default.fileExists(atPath: inRun) ? path : inRun
    if let hit = entries[full] { return hit }
    let result: Result<GreyImage, PNGDecoder.DecodeError>
    if let data = FileManager.default.contents(atPath: full) {
      result = Result { try PNGDecoder.decode([UInt8](data)) }.mapError {
        ($0 as? PNGDecoder.DecodeError) ?? PNGDecoder.DecodeError(description: "\($0)")
      }
    } else {
      result = .failure(PNGDecoder.DecodeError(description: "cannot read \(path)"))
    }
    // Failures are not remembered: the file may still be being written.
    if case .success = result { remember(full, result) }
    return result
  }

  private func remember(_ key: String, _ value: Result<GreyImage, PNGDecoder.DecodeError>) {
    entries[key] = value
    order.append(key)
    if order.count > capacity { entries[order.removeFirst()] = nil }
  }
}
