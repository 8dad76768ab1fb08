/// Labelled 8-bit greyscale images held in memory.
public struct ImageDataset: Sendable {
  /// Number of images.
  public let count: Int
  /// Image height in pixels.
  public let height: Int
  /// Image width in pixels.
  public let width: Int
  /// The pixels, [count, height, width] row-major, 0 (black) … 255 (white).
  public let pixels: [UInt8]
  /// The class of each image.
  public let labels: [UInt8]

  /// A dataset from its pixels and labels, whose sizes must match `count`, `height` and `width`.
  public init(count: Int, height: Int, width: Int, pixels: [UInt8], labels: [UInt8]) {
    precondition(pixels.count == count * height * width && labels.count == count,
                 "\(pixels.count) pixels and \(labels.count) labels for \(count) images of \(height)×\(width)")
    self.count = count
    self.height = height
    self.width = width
    self.pixels = pixels
    self.labels = labels
  }

  /// The pixels of image `index`.
  public func image(_ index: Int) -> ArraySlice<UInt8> {
    let size = height * width
    return pixels[(index * size)..<((index + 1) * size)]
  }

  /// The mean pixel value over all images, as a fraction of 255.
  public var meanPixel: Double {
    let sum = pixels.withUnsafeBufferPointer { $0.reduce(0) { $0 + Int($1) } }
    return pixels.isEmpty ? 0 : Double(sum) / Double(pixels.count) / 255
  }
}
