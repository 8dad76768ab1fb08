import Foundation

/// The Fashion-MNIST data set: 28×28 greyscale images of clothing in ten classes, 60 000 for training
/// and 10 000 for testing, stored as four IDX files (usually gzip-compressed).
public enum FashionMNIST {
  /// The training or the test half.
  public enum Split: String, CaseIterable, Sendable {
    case train, test

    /// The file name prefix (`train` or `t10k`).
    var filePrefix: String { self == .train ? "train" : "t10k" }
  }

  /// Where the Debian package `dataset-fashion-mnist` installs the files.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

  /// The class names, indexed by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// The image side length in pixels.
  public static let side = 28

  /// What to do when the files are missing or damaged.
  public static let fix =
    "install it with `apt-get install dataset-fashion-mnist`, or pass --data-dir DIR naming a directory with the four *-ubyte(.gz) files"

  /// Loads one split from `directory`, reading `<name>.gz` if present, else `<name>`.
  ///
  /// A missing directory or file, or a corrupt one, throws a ``DataError`` naming the file and the fix.
  public static func load(split: Split, directory: String = defaultDirectory) throws -> ImageDataset {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw DataError(directory, "Fashion-MNIST directory not found", fix: fix)
    }
    do {
      let images = try IDXFile.read(try locate("\(split.filePrefix)-images-idx3-ubyte", in: directory),
                                    magic: IDXFile.imagesMagic)
      let labelsPath = try locate("\(split.filePrefix)-labels-idx1-ubyte", in: directory)
      let labels = try IDXFile.read(labelsPath, magic: IDXFile.labelsMagic)
      let count = images.dimensions[0]
      guard images.dimensions[1...] == [side, side] else {
        throw DataError(directory, "images are \(images.dimensions[1...]), expected \(side)×\(side)")
      }
      guard labels.dimensions[0] == count else {
        throw DataError(labelsPath, "\(labels.dimensions[0]) labels for \(count) images")
      }
      if let bad = labels.bytes.first(where: { Int($0) >= classNames.count }) {
        throw DataError(labelsPath, "label \(bad) is out of range 0...\(classNames.count - 1)")
      }
      return ImageDataset(count: count, height: side, width: side, pixels: images.bytes, labels: labels.bytes)
    } catch let error as DataError {
      throw DataError(error.path, error.problem, fix: fix)
    }
  }

  /// The path of `<name>.gz` or else `<name>` in `directory`.
  private static func locate(_ name: String, in directory: String) throws -> String {
    let candidates = ["\(directory)/\(name).gz", "\(directory)/\(name)"]
    guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
      throw DataError(candidates[0], "not found (nor \(name) without .gz)")
    }
    return found
  }
}
