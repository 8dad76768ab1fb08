import DTRData
import DTREngine
import DTRModels

/// Caption-canvas training batches as a ``BatchSource``: `[B, 1, 28, 56]` canvases drawn by a seeded
/// ``CaptionCanvasGenerator`` over the Fashion-MNIST train split with the held-out (class, slot) pairs
/// excluded, and their captions as the ``captions`` table (label i + 1 = sample i's caption).
///
/// The generator never runs out; an "epoch" is as many batches as the train split has images per batch,
/// so epoch-based settings (checkpoints, grids) keep their meaning.
public final class CaptionBatches: BatchSource {
  private let generator: CaptionCanvasGenerator
  private var tokens: [Int32]
  private let batch: Int
  /// Full batches per epoch.
  public let batchesPerEpoch: Int
  /// The captions of the last batch (row 0 = the null caption).
  public private(set) var captions: CaptionTable?
  /// The layouts of the last batch.
  public private(set) var layouts: [CanvasLayout] = []

  /// Batches of `batch` canvases from the train split in `directory` (throws a one-line error naming
  /// the fix when it is missing), drawn from `seed`.
  public init(directory: String, batch: Int, seed: UInt64) throws {
    generator = try CaptionCanvasGenerator(split: .train, directory: directory, seed: seed, heldOut: .exclude)
    self.batch = batch
    tokens = Array(repeating: 0, count: batch * CaptionVocabulary.length)
    batchesPerEpoch = max(1, generator.dataset.count / batch)
  }

  /// The next batch: canvases into `images`, labels 1…B (caption rows of ``captions``).
  public func nextBatch(images: Tensor, labels: inout [Int]) {
    precondition(images.count == batch * CanvasLayout.pixels, "caption batches fill [\(batch), 1, 28, 56]")
    layouts = tokens.withUnsafeMutableBufferPointer { generator.next(into: images.data, tokens: $0.baseAddress!, count: batch) }
    captions = tokens.withUnsafeBufferPointer { CaptionTable(flat: $0.baseAddress!, count: batch) }
    for i in 0..<batch { labels[i] = CaptionTable.label(ofCaption: i) }
  }

  /// `[generatorState]`.
  public var stateWords: [UInt64] { [generator.state] }

  /// Restores `[generatorState]`.
  public func restore(_ words: [UInt64]) throws {
    guard words.count == 1 else { throw TrainingError("checkpoint caption-generator state has \(words.count) words, expected 1") }
    generator.state = words[0]
  }
}
