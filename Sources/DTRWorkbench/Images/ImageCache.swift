import DTRFormats
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

/// Sample grids as luminance images, read with DTRFormats' PNG reader (8-bit grey or RGB; the trainer
/// writes grey grids).
public enum PNGDecoder {
  /// Why an image could not be read.
  public struct DecodeError: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  /// Decodes PNG bytes; RGB becomes Rec. 709 luminance.
  public static func decode(_ data: [UInt8]) throws -> GreyImage {
    let png: PNGImage
    do { png = try PNGImage(decoding: Data(data)) } catch { throw DecodeError(description: "\(error)") }
    guard png.colorType == .rgb else { return GreyImage(width: png.width, height: png.height, pixels: png.pixels) }
    let grey = (0..<(png.width * png.height)).map { i -> UInt8 in
      let r = Double(png.pixels[3 * i]), g = Double(png.pixels[3 * i + 1]), b = Double(png.pixels[3 * i + 2])
      return UInt8((0.2126 * r + 0.7152 * g + 0.0722 * b).rounded())
    }
    return GreyImage(width: png.width, height: png.height, pixels: grey)
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
