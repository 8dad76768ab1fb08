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
