import DTRData

/// Reads whether a garment crop is mirrored, for the classes where that can be read at all.
///
/// The evaluator was trained with random flips, so its logits cannot tell. Instead a crop is compared
/// with its class's mean image from the data set and with that mean mirrored (Pearson correlation of the
/// 28×28 ink); the closer one decides. Fashion-MNIST photographs shoes in one orientation, so this works
/// for sandals, sneakers and ankle boots (measured on real canvases: see docs/text-to-image.md); the other
/// classes are close to mirror-symmetric and their flips are not scored.
public struct FlipJudge: Sendable {
  /// The classes whose flip is scored: sandal, sneaker, ankle boot.
  public static let classes: Set<Int> = [5, 7, 9]
  /// The mean ink (0–1) of each scored class, by label.
  private let templates: [Int: [Float]]

  /// Templates from the images of `dataset`.
  public init(dataset: ImageDataset) {
    let size = dataset.height * dataset.width
    var sums = [Int: [Float]](), counts = [Int: Int]()
    dataset.pixels.withUnsafeBufferPointer { pixels in
      for i in 0..<dataset.count where Self.classes.contains(Int(dataset.labels[i])) {
        let label = Int(dataset.labels[i])
        var sum = sums.removeValue(forKey: label) ?? [Float](repeating: 0, count: size)
        for j in 0..<size { sum[j] += Float(pixels[i * size + j]) / 255 }
        sums[label] = sum
        counts[label, default: 0] += 1
      }
    }
    var means = [Int: [Float]]()
    for (label, sum) in sums {
      let count = Float(counts[label]!)
      means[label] = sum.map { $0 / count }
    }
    templates = means
  }

  /// Whether the crop (784 values in [−1, 1]) of a garment of class `classIndex` looks mirrored, or nil
  /// when the class is not scored.
  public func isFlipped(_ crop: UnsafePointer<Float>, classIndex: Int) -> Bool? {
    guard let template = templates[classIndex] else { return nil }
    let side = CanvasLayout.slotSide
    let ink = (0..<(side * side)).map { (crop[$0] + 1) / 2 }
    let mirrored = (0..<(side * side)).map { template[($0 / side) * side + side - 1 - $0 % side] }
    return Self.correlation(ink, mirrored) > Self.correlation(ink, template)
  }

  /// The Pearson correlation of `a` and `b` (0 when either is constant).
  static func correlation(_ a: [Float], _ b: [Float]) -> Float {
    let n = Float(a.count), meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
    var ab: Float = 0, aa: Float = 0, bb: Float = 0
    for i in a.indices {
      let (x, y) = (a[i] - meanA, b[i] - meanB)
      ab += x * y
      aa += x * x
      bb += y * y
    }
    return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
  }
}
