import DTREngine
import DTRModels

/// Where training images come from: fixed-size batches in a seeded, resumable order.
public protocol BatchSource: AnyObject {
  /// Full batches per epoch.
  var batchesPerEpoch: Int { get }
  /// Fills `images` (`[B, C, H, W]` of the model's ``DTRModels/ModelConfig/imageShape``, in [−1, 1]) and
  /// `labels` (B entries) with the next batch.
  func nextBatch(images: Tensor, labels: inout [Int])
  /// For caption batches, the table the last batch's labels select rows of; nil for class labels.
  var captions: CaptionTable? { get }
  /// The loader's position and generator state, for checkpoints.
  var stateWords: [UInt64] { get }
  /// Continues from saved ``stateWords``.
  func restore(_ words: [UInt64]) throws
}
