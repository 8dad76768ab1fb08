import DTRData
import DTREngine
import XCTest

final class DataLoaderTests: XCTestCase {
  /// Ten 2×3 images; image i has pixels 10·i … 10·i + 5 and label i.
  let dataset = ImageDataset(count: 10, height: 2, width: 3,
                             pixels: (0..<60).map { UInt8(($0 / 6) * 10 + $0 % 6) }, labels: (0..<10).map(UInt8.init))

  /// The labels of the next `batches` batches.
  func labels(_ loader: DataLoader, batches: Int) -> [[Int32]] {
    let images = Tensor([loader.batchSize, 1, 2, 3])
    var labels = [Int32](repeating: 0, count: loader.batchSize)
    return (0..<batches).map { _ in
      loader.next(images: images, labels: &labels)
      return labels
    }
  }

  func testEpochsDropTheLastPartialBatchAndReshuffle() {
    let loader = DataLoader(dataset: dataset, batchSize: 3, seed: 42)
    XCTAssertEqual(loader.batchesPerEpoch, 3)
    let epoch0 = labels(loader, batches: 3)
    XCTAssertEqual(loader.epoch, 0)
    let epoch1 = labels(loader, batches: 3)
    XCTAssertEqual(loader.epoch, 1)
    XCTAssertEqual(loader.position, 9)
    for epoch in [epoch0, epoch1] {
      let seen = epoch.flatMap { $0 }
      XCTAssertEqual(Set(seen).count, 9, "nine distinct images per epoch, one dropped")
    }
    XCTAssertNotEqual(epoch0, epoch1)
    let ordered = DataLoader(dataset: dataset, batchSize: 5, seed: 1, shuffle: false)
    XCTAssertEqual(labels(ordered, batches: 3), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [0, 1, 2, 3, 4]])
  }

  func testScalingAndFlip() {
    let images = Tensor([10, 1, 2, 3])
    var labels = [Int32](repeating: 0, count: 10)
    DataLoader(dataset: dataset, batchSize: 10, seed: 5, shuffle: false).next(images: images, labels: &labels)
    XCTAssertEqual(Array(images.toArray()[6..<12]), (10..<16).map { Float($0) / 127.5 - 1 })
    let white = ImageDataset(count: 1, height: 1, width: 2, pixels: [0, 255], labels: [0])
    let extremes = Tensor([1, 1, 1, 2])
    var one: [Int32] = [0]
    DataLoader(dataset: white, batchSize: 1, seed: 0).next(images: extremes, labels: &one)
    XCTAssertEqual(extremes.toArray(), [-1, 1])

    let flipping = DataLoader(dataset: dataset, batchSize: 10, seed: 5, shuffle: false, randomFlip: true)
    var flips = 0
    for _ in 0..<4 {
      flipping.next(images: images, labels: &labels)
      for (b, label) in labels.enumerated() {
        let row = Array(images.toArray()[(b * 6)..<(b * 6 + 3)])
        let base = Float(label) * 10
        let plain = [base, base + 1, base + 2].map { $0 / 127.5 - 1 }
        XCTAssertTrue(row == plain || row == plain.reversed(), "image \(label): \(row)")
        if row != plain { flips += 1 }
      }
    }
    XCTAssertTrue((8...32).contains(flips), "\(flips) of 40 images flipped")
  }

  func testSameSeedSameOrderAndRestoredStateContinuesExactly() throws {
    let a = DataLoader(dataset: dataset, batchSize: 3, seed: 7, randomFlip: true)
    let b = DataLoader(dataset: dataset, batchSize: 3, seed: 7, randomFlip: true)
    XCTAssertEqual(labels(a, batches: 7), labels(b, batches: 7))
    let other = DataLoader(dataset: dataset, batchSize: 3, seed: 8)
    XCTAssertNotEqual(labels(other, batches: 6), labels(DataLoader(dataset: dataset, batchSize: 3, seed: 7), batches: 6))

    // Mid-epoch and at an epoch boundary: a restored loader delivers the same labels and pixels.
    for warmup in [4, 6] {
      let original = DataLoader(dataset: dataset, batchSize: 3, seed: 11, randomFlip: true)
      _ = labels(original, batches: warmup)
      let saved = original.state
      let encoded = try JSONEncoder().encode(saved)
      let resumed = DataLoader(dataset: dataset, batchSize: 3, seed: 999, randomFlip: true)
      try resumed.restore(JSONDecoder().decode(DataLoaderState.self, from: encoded))
      XCTAssertEqual(resumed.state, saved)
      let (x, y) = (Tensor([3, 1, 2, 3]), Tensor([3, 1, 2, 3]))
      var (lx, ly) = ([Int32](repeating: 0, count: 3), [Int32](repeating: 0, count: 3))
      for _ in 0..<8 {
        original.next(images: x, labels: &lx)
        resumed.next(images: y, labels: &ly)
        XCTAssertEqual(lx, ly)
        XCTAssertEqual(x.toArray(), y.toArray())
      }
      XCTAssertEqual(original.state, resumed.state)
    }
  }

  func testRestoreRejectsImpossibleStates() {
    let loader = DataLoader(dataset: dataset, batchSize: 3, seed: 1)
    for state in [DataLoaderState(epoch: 0, position: 4, rngState: 0), DataLoaderState(epoch: 0, position: 12, rngState: 0),
                  DataLoaderState(epoch: -1, position: 0, rngState: 0)] {
      assertDataError(try loader.restore(state), path: "loader state", mentions: ["batch size"])
    }
  }
}
