import DTREngine

/// Where a ``DataLoader`` stands, saved in checkpoints so a resumed run sees exactly the batches an
/// uninterrupted run would have seen.
public struct DataLoaderState: Codable, Equatable, Sendable {
  /// The current epoch, from 0.
  public var epoch: Int
  /// Samples of the current epoch already delivered (a multiple of the batch size).
  public var position: Int
  /// The random generator's state at the start of the current epoch, before its shuffle was drawn.
  public var rngState: UInt64

  /// A state from its parts.
  public init(epoch: Int, position: Int, rngState: UInt64) {
    self.epoch = epoch
    self.position = position
    self.rngState = rngState
  }
}

/// Delivers fixed-size batches of an ``ImageDataset`` forever, epoch after epoch, into buffers the
/// caller owns, without allocating per batch.
///
/// Each epoch visits the images in a fresh seeded random order (or in file order without `shuffle`);
/// the last `count % batchSize` images of each epoch's order are dropped, so every batch is full.
/// With `randomFlip`, each delivered image is mirrored left–right with probability ½, decided by the
/// seed, the epoch and the position in the epoch. Pixels are scaled to [−1, 1] as x / 127.5 − 1.
public final class DataLoader {
  /// The images being served.
  public let dataset: ImageDataset
  /// Images per batch.
  public let batchSize: Int
  /// Whether each epoch uses a new random order.
  public let shuffle: Bool
  /// Whether images are randomly mirrored left–right.
  public let randomFlip: Bool

  /// The current epoch, from 0.
  public private(set) var epoch = 0
  /// Samples of the current epoch already delivered.
  public private(set) var position = 0
  /// The generator at the start of the current epoch.
  private var epochStart: SplitMix64
  /// The generator after this epoch's draws: the start of the next epoch.
  private var nextEpochStart: SplitMix64
  /// This epoch's order of image indices.
  private var order: [Int] = []
  /// This epoch's seed for flip decisions.
  private var flipSeed: UInt64 = 0

  /// `x / 127.5 − 1` for every byte value.
  private static let scaled: [Float] = (0...255).map { Float($0) / 127.5 - 1 }

  /// A loader over `dataset` drawing its shuffles and flips from `seed`.
  public init(dataset: ImageDataset, batchSize: Int, seed: UInt64, shuffle: Bool = true, randomFlip: Bool = false) {
    precondition(batchSize > 0 && batchSize <= dataset.count, "batch size \(batchSize) for \(dataset.count) images")
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.randomFlip = randomFlip
    epochStart = SplitMix64(seed: seed)
    nextEpochStart = epochStart
    beginEpoch()
  }

  /// Full batches per epoch.
  public var batchesPerEpoch: Int { dataset.count / batchSize }

  /// The state to save for an exact resume.
  public var state: DataLoaderState { DataLoaderState(epoch: epoch, position: position, rngState: epochStart.state) }

  /// Continues from a saved state, which must come from a loader with the same data and batch size.
  public func restore(_ state: DataLoaderState) throws {
    guard state.epoch >= 0, state.position >= 0, state.position % batchSize == 0,
          state.position <= batchesPerEpoch * batchSize else {
      throw DataError("loader state", "position \(state.position) of epoch \(state.epoch) does not fit batches of "
        + "\(batchSize) over \(dataset.count) images (was it saved with another batch size or data set?)")
    }
    epoch = state.epoch
    epochStart = SplitMix64(seed: state.rngState)
    beginEpoch()
    position = state.position
  }

  /// Fills `images` (shape [batchSize, 1, H, W]) and `labels` (`batchSize` elements) with the next
  /// batch, starting a new epoch first if the current one has no full batch left.
  public func next(images: Tensor, labels: inout [Int32]) {
    let (h, w) = (dataset.height, dataset.width)
    precondition(images.shape == [batchSize, 1, h, w], "images tensor is \(images.shape), expected [\(batchSize), 1, \(h), \(w)]")
    precondition(labels.count == batchSize, "\(labels.count) label slots for batches of \(batchSize)")
    if position + batchSize > dataset.count {
      epoch += 1
      epochStart = nextEpochStart
      beginEpoch()
    }
    let size = h * w
    Self.scaled.withUnsafeBufferPointer { lut in
      dataset.pixels.withUnsafeBufferPointer { pixels in
        for b in 0..<batchSize {
          let index = order[position + b]
          let src = pixels.baseAddress! + index * size
          let dst = images.data + b * size
          if randomFlip && flips(position + b) {
            for y in 0..<h {
              for x in 0..<w { dst[y * w + x] = lut[Int(src[y * w + w - 1 - x])] }
            }
          } else {
            for i in 0..<size { dst[i] = lut[Int(src[i])] }
          }
          labels[b] = Int32(dataset.labels[index])
        }
      }
    }
    position += batchSize
  }

  /// Draws this epoch's order and flip seed from `epochStart` and rewinds to its first batch.
  private func beginEpoch() {
    var rng = epochStart
    order = shuffle ? rng.permutation(dataset.count) : Array(0..<dataset.count)
    flipSeed = rng.next()
    nextEpochStart = rng
    position = 0
  }

  /// Whether the image at `slot` of this epoch's order is mirrored.
  private func flips(_ slot: Int) -> Bool {
    var rng = SplitMix64(seed: flipSeed &+ UInt64(slot))
    return rng.next() >> 63 == 1
  }
}
