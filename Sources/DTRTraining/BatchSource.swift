import DTREngine

/// Where training images come from: fixed-size batches in a seeded, resumable order.
public protocol BatchSource: AnyObject {
  /// Full batches per epoch.
  var batchesPerEpoch: Int { get }
  /// Fills `images` (`[B, 1, 28, 28]` in [−1, 1]) and `labels` (B entries) with the next batch.
  func nextBatch(images: Tensor, labels: inout [Int])
  /// The loader's position and generator state, for checkpoints.
  var stateWords: [UInt64] { get }
  /// Continues from saved ``stateWords``.
  func restore(_ words: [UInt64]) throws
}
