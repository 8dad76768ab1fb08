import DTRFormats
import Foundation

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
