import DTRData
import DTREngine
import DTRModels

/// Fashion-MNIST training batches as a ``BatchSource``: the train split, shuffled per epoch with a
/// seeded generator, scaled to [−1, 1], optionally flipped.
public final class FashionMNISTBatches: BatchSource {
  private let loader: DataLoader
  private var raw: [Int32]

  /// Loads the train split from `directory` (throws a one-line error naming the fix when missing).
  public init(directory: String, batch: Int, seed: UInt64, hflip: Bool) throws {
    let ds = try FashionMNIST.load(split: .train, directory: directory)
    loader = DataLoader(dataset: ds, batchSize: batch, seed: seed, randomFlip: hflip)
    raw = Array(repeating: 0, count: batch)
  }

  /// Always nil: Fashion-MNIST batches carry class labels.
  public var captions: CaptionTable? { nil }

  /// Full batches per epoch (the last partial batch is dropped).
  public var batchesPerEpoch: Int { loader.batchesPerEpoch }

  /// The next batch.
  public func nextBatch(images: Tensor, labels: inout [Int]) {
    loader.next(images: images, labels: &raw)
    for i in 0..<raw.count { labels[i] = Int(raw[i]) }
  }

  /// `[epoch, position, rngState]`.
  public var stateWords: [UInt64] {
    let s = loader.state
    return [UInt64(s.epoch), UInt64(s.position), s.rngState]
  }

  /// Restores `[epoch, position, rngState]`.
  public func restore(_ words: [UInt64]) throws {
    guard words.count == 3 else { throw TrainingError("checkpoint data-loader state has \(words.count) words, expected 3") }
    try loader.restore(DataLoaderState(epoch: Int(words[0]), position: Int(words[1]), rngState: words[2]))
  }
}
