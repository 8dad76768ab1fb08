import DTRData
import XCTest

final class CaptionCanvasGeneratorTests: XCTestCase {
  /// Three 28×28 images per class; pixel (row, column) of a class-k image is 8·column + k + 10 (+1 for
  /// the second image, +2 for the third), so every pixel is ink and class, column and flip are readable.
  static let dataset: ImageDataset = {
    var pixels: [UInt8] = [], labels: [UInt8] = []
    for copy in 0..<3 {
      for k in 0..<10 {
        labels.append(UInt8(k))
        for _ in 0..<28 { for column in 0..<28 { pixels.append(UInt8(8 * column + k + 10 + copy)) } }
      }
    }
    return ImageDataset(count: 30, height: 28, width: 28, pixels: pixels, labels: labels)
  }()

  /// `count` canvases, tokens and layouts from a fresh generator.
  func draw(seed: UInt64, policy: HeldOutPolicy = .include, count: Int) -> ([Float], [Int32], [CanvasLayout]) {
    let generator = CaptionCanvasGenerator(dataset: Self.dataset, seed: seed, heldOut: policy)
    var images = [Float](repeating: 0, count: count * CanvasLayout.pixels)
    var tokens = [Int32](repeating: -1, count: count * CaptionVocabulary.length)
    let layouts = generator.next(into: &images, tokens: &tokens, count: count)
    return (images, tokens, layouts)
  }

  func testDeterministicPerSeedAndResumable() {
    let a = draw(seed: 7, count: 40), b = draw(seed: 7, count: 40), c = draw(seed: 8, count: 40)
    XCTAssertEqual(a.0, b.0)
    XCTAssertEqual(a.1, b.1)
    XCTAssertEqual(a.2, b.2)
    XCTAssertNotEqual(a.2, c.2)
    XCTAssertNotEqual(a.0, c.0)

    // Two calls continue where the first stopped; a saved state resumes exactly.
    let generator = CaptionCanvasGenerator(dataset: Self.dataset, seed: 7, heldOut: .include)
    var images = [Float](repeating: 0, count: 40 * CanvasLayout.pixels)
    var tokens = [Int32](repeating: 0, count: 40 * CaptionVocabulary.length)
    let first = generator.next(into: &images, tokens: &tokens, count: 15)
    let saved = generator.state
    let second = images.withUnsafeMutableBufferPointer { i in
      tokens.withUnsafeMutableBufferPointer { t in
        generator.next(into: i.baseAddress! + 15 * CanvasLayout.pixels, tokens: t.baseAddress! + 15 * CaptionVocabulary.length, count: 25)
      }
    }
    XCTAssertEqual(first + second, a.2)
    XCTAssertEqual(images, a.0)
    XCTAssertEqual(tokens, a.1)
    let resumed = CaptionCanvasGenerator(dataset: Self.dataset, seed: 99, heldOut: .include)
    resumed.state = saved
    XCTAssertEqual(resumed.nextLayout(), second[0])
  }

  func testEveryWordIsReachableAndTokensEncodeTheCaption() throws {
    let (_, tokens, layouts) = draw(seed: 1, policy: .exclude, count: 400)
    var seen = Set<Int32>()
    for (i, layout) in layouts.enumerated() {
      let ids = Array(tokens[(i * CaptionVocabulary.length)..<((i + 1) * CaptionVocabulary.length)])
      XCTAssertEqual(ids, try CaptionVocabulary.encode(layout.caption))
      XCTAssertEqual(CaptionVocabulary.decode(ids), layout.caption)
      seen.formUnion(ids)
    }
    XCTAssertEqual(seen, Set(0..<Int32(CaptionVocabulary.size)).subtracting([CaptionVocabulary.null]),
                   "every word (and padding) appears even in training captions")
    let counts = Dictionary(grouping: layouts, by: \.garments.count).mapValues(\.count)
    XCTAssertTrue((150...250).contains(counts[1] ?? 0), "one- and two-garment canvases at even odds: \(counts)")
  }

  func testCaptionParsesToTheLayoutAndPixelsAreWhereItSays() throws {
    let (images, _, layouts) = draw(seed: 3, count: 300)
    for (i, layout) in layouts.enumerated() {
      XCTAssertEqual(try CaptionCanvasGenerator.parse(layout.caption), layout)
      let canvas = images[(i * CanvasLayout.pixels)..<((i + 1) * CanvasLayout.pixels)].map { $0 }
      for row in 0..<28 {
        for column in 0..<56 {
          let value = canvas[row * 56 + column]
          let slot: GarmentLayout.Slot = column < 28 ? .left : .right
          guard let garment = layout.garment(in: slot), garment.box.rows.contains(row), garment.box.columns.contains(column) else {
            XCTAssertEqual(value, -1, "background at (\(row), \(column)) of \(layout.caption)")
            continue
          }
          // Undo brightness and scaling; recover the source column and the class.
          let ink = (value + 1) * 127.5 / (garment.dark ? 0.5 : 1)
          let x = column - garment.box.columns.lowerBound, width = garment.box.columns.count
          let sourceX = garment.flipped ? width - 1 - x : x
          // A small garment's pixel averages source columns 2x and 2x+1: 8·(2x) + 4.
          let base = Float(garment.size == .large ? 8 * sourceX : 16 * sourceX + 4)
          let rest = ink - base - 10 - Float(garment.classIndex)
          XCTAssertTrue((-0.01...2.01).contains(rest), "pixel (\(row), \(column)) of \(layout.caption): ink \(ink)")
        }
      }
    }
  }

  func testHeldOutPairsNeverInTrainingAndAlwaysInEvaluation() {
    let training = CaptionCanvasGenerator(dataset: Self.dataset, seed: 11, heldOut: .exclude)
    let evaluation = CaptionCanvasGenerator(dataset: Self.dataset, seed: 11, heldOut: .only)
    var pairs = Set<String>()
    for _ in 0..<5_000 {
      let layout = training.nextLayout()
      for garment in layout.garments {
        XCTAssertFalse(HeldOutPolicy.isHeldOut(classIndex: garment.classIndex, slot: garment.slot), layout.caption)
        pairs.insert("\(garment.classIndex) \(garment.slot)")
      }
      XCTAssertTrue(evaluation.nextLayout().isHeldOut)
    }
    XCTAssertEqual(pairs.count, 20 - HeldOutPolicy.pairs.count, "every other (class, slot) pair is trained")
    // The policy of the rendering path too: batches drawn with next(into:) hold no held-out pair.
    let (_, _, layouts) = draw(seed: 12, policy: .exclude, count: 2_000)
    XCTAssertFalse(layouts.contains(where: \.isHeldOut))
  }
}
