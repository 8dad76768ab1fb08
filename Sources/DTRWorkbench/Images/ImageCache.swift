import Foundation

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
