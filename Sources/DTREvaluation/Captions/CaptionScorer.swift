import DTRData
import DTREngine
import DTRMetrics

/// Scores generated caption canvases against the layouts their captions describe, GenEval-style: the
/// shipped evaluator classifies each garment's crop, and the pixels are read for size, brightness,
/// top/bottom, flip and empty slots; crop FID compares the garments with the same layouts drawn from
/// real images.
///
/// - Crop: the caption's box (``GarmentCrop``, ink normalised to its maximum), so a garment must be in
///   the captioned slot and, when small, the captioned half, to be classified right.
/// - Size: the longer side of the slot's ink bounding box (``SlotInk``) ≥ ``largeExtent`` means large.
/// - Brightness: the slot's peak ink ≥ ``lightPeak`` means light (dark garments peak at 0.5).
/// - Top/bottom: the slot's ink-weighted mean row above or below the middle.
/// - Flip: ``FlipJudge``, for sandals, sneakers and boots.
/// - Empty: fewer than ``emptyPixels`` pixels above ``SlotInk/boxThreshold``.
///
/// Everything is reported separately for layouts seen in training and those with a held-out pair.
public final class CaptionScorer {
  /// The least ink extent, in pixels, of a large garment (small ones span at most 14).
  public static let largeExtent = 18
  /// The least peak ink of a light garment.
  public static let lightPeak: Float = 0.6
  /// A slot with fewer inked pixels than this is empty.
  public static let emptyPixels = 8

  /// The network that classifies crops and gives their features.
  public let evaluator: Evaluator
  /// The real images the FID reference draws each layout with.
  public let reference: ImageDataset
  /// The flip reader.
  public let flipJudge: FlipJudge
  /// How many times each layout is drawn for the FID reference.
  public let referenceRenders: Int
  /// The seed of the reference drawings.
  public let seed: UInt64

  /// A scorer drawing its FID reference from `reference` and its flip templates from `templates`.
  public init(evaluator: Evaluator, reference: ImageDataset, templates: ImageDataset, referenceRenders: Int = 4, seed: UInt64 = 0) {
    precondition(referenceRenders >= 1, "the reference needs at least one drawing per layout")
    self.evaluator = evaluator
    self.reference = reference
    flipJudge = FlipJudge(dataset: templates)
    self.referenceRenders = referenceRenders
    self.seed = seed
  }

  /// A scorer with the reference from the Fashion-MNIST test split and the flip templates from the
  /// training split in `dataDirectory`.
  public convenience init(evaluator: Evaluator, dataDirectory: String = FashionMNIST.defaultDirectory,
                          referenceRenders: Int = 4, seed: UInt64 = 0) throws {
    self.init(evaluator: evaluator, reference: try FashionMNIST.load(split: .test, directory: dataDirectory),
              templates: try FashionMNIST.load(split: .train, directory: dataDirectory),
              referenceRenders: referenceRenders, seed: seed)
  }

  /// Scores `images` (`[N, 1, 28, 56]`, generated in about [−1, 1]) against `layouts` (N, the layouts
  /// their captions describe).
  public func score(images: Tensor, layouts: [CanvasLayout]) throws -> CaptionScores {
    let n = layouts.count
    guard n >= 1, images.shape == [n, 1, CanvasLayout.height, CanvasLayout.width] else {
      throw EvaluatorError("captioned images are \(images.shape) for \(n) layouts; the caption scorer needs "
        + "[N, 1, \(CanvasLayout.height), \(CanvasLayout.width)] with one layout per image")
    }
    let crops = self.crops(of: images, layouts: layouts)
    let generated = evaluator.features(images: crops)
    let verdicts = read(images, layouts: layouts, crops: crops, logits: generated.logits)
    let real = evaluator.features(images: referenceCrops(layouts))

    // Crop rows of each canvas, in the generated and in the reference crops.
    let perCanvas = layouts.map(\.garments.count)
    let offsets = perCanvas.reduce(into: [0]) { $0.append($0.last! + $1) }
    func group(_ canvases: [Int]) throws -> CaptionScoreGroup? {
      guard !canvases.isEmpty else { return nil }
      let rows = canvases.flatMap { offsets[$0]..<offsets[$0 + 1] }
      let referenceRows = (0..<referenceRenders).flatMap { r in rows.map { r * offsets[n] + $0 } }
      var scores = Self.tally(canvases.map { verdicts[$0] })
      if rows.count >= 2 {
        scores.fid = try FrechetDistance(FeatureStatistics(generated.features.selecting(rows: rows)),
                                         FeatureStatistics(real.features.selecting(rows: referenceRows))).value
      }
      scores.referenceCrops = referenceRows.count
      return scores
    }
    let seen = (0..<n).filter { !verdicts[$0].heldOut }, heldOut = (0..<n).filter { verdicts[$0].heldOut }
    return CaptionScores(seen: try group(seen), heldOut: try group(heldOut), all: try group(Array(0..<n))!,
                         evaluatorTag: evaluator.tag)
  }

  /// `count` real canvases drawn from ``reference`` (seed `seed`, policy `heldOut`) and their layouts:
  /// scored, they give the ceiling of every score (`dtr eval --task captions --real`).
  public func realCanvases(count: Int, seed: UInt64, heldOut: HeldOutPolicy) -> (images: Tensor, layouts: [CanvasLayout]) {
    let generator = CaptionCanvasGenerator(dataset: reference, seed: seed, heldOut: heldOut)
    let images = Tensor([count, 1, CanvasLayout.height, CanvasLayout.width])
    var tokens = [Int32](repeating: 0, count: count * CaptionVocabulary.length)
    return (images, generator.next(into: images.data, tokens: &tokens, count: count))
  }

  /// The normalised crop of every garment, canvas by canvas in caption order: `[M, 1, 28, 28]`.
  func crops(of images: Tensor, layouts: [CanvasLayout]) -> Tensor {
    let side = CanvasLayout.slotSide
    let out = Tensor([layouts.reduce(0) { $0 + $1.garments.count }, 1, side, side])
    var row = 0
    for (i, layout) in layouts.enumerated() {
      for garment in layout.garments {
        GarmentCrop.write(images.data + i * CanvasLayout.pixels, box: garment.box, normalised: true,
                          into: out.data + row * side * side)
        row += 1
      }
    }
    return out
  }

  /// The crops of every layout drawn ``referenceRenders`` times with real images, drawing after
  /// drawing: `[R·M, 1, 28, 28]`.
  func referenceCrops(_ layouts: [CanvasLayout]) -> Tensor {
    let drawer = CaptionCanvasGenerator(dataset: reference, seed: seed, heldOut: .include)
    let canvases = Tensor([referenceRenders * layouts.count, 1, CanvasLayout.height, CanvasLayout.width])
    for r in 0..<referenceRenders {
      for (i, layout) in layouts.enumerated() {
        drawer.render(layout, into: canvases.data + (r * layouts.count + i) * CanvasLayout.pixels)
      }
    }
    return crops(of: canvases, layouts: Array((0..<referenceRenders).map { _ in layouts }.joined()))
  }

  /// Every canvas's verdict, from its pixels, its garments' crops and their logits.
  func read(_ images: Tensor, layouts: [CanvasLayout], crops: Tensor, logits: FeatureMatrix) -> [CanvasVerdict] {
    var row = 0
    let classes = logits.columns, cropSize = CanvasLayout.slotSide * CanvasLayout.slotSide
    return layouts.enumerated().map { i, layout in
      let canvas = UnsafePointer(images.data + i * CanvasLayout.pixels)
      var emptySlots: [Bool] = []
      for slot in GarmentLayout.Slot.allCases where layout.garment(in: slot) == nil {
        emptySlots.append(SlotInk(canvas: canvas, slot: slot).inkPixels < Self.emptyPixels)
      }
      let garments = layout.garments.map { garment -> GarmentVerdict in
        defer { row += 1 }
        let ink = SlotInk(canvas: canvas, slot: garment.slot)
        let scores = logits.values[(row * classes)..<((row + 1) * classes)]
        let predicted = scores.indices.max { scores[$0] < scores[$1] }! - row * classes
        let flipped = flipJudge.isFlipped(crops.data + row * cropSize, classIndex: garment.classIndex)
        return GarmentVerdict(
          classIndex: garment.classIndex, classCorrect: predicted == garment.classIndex,
          sizeCorrect: (ink.extent >= Self.largeExtent) == (garment.size == .large),
          brightnessCorrect: (ink.peak >= Self.lightPeak) == !garment.dark,
          verticalCorrect: garment.vertical.map { ($0 == .top) == (ink.centreRow < Float(CanvasLayout.slotSide) / 2) },
          flipCorrect: flipped.map { $0 == garment.flipped })
      }
      return CanvasVerdict(garments: garments, emptySlots: emptySlots, heldOut: layout.isHeldOut)
    }
  }

  /// The accuracies of `verdicts` (FID and its reference size left at nil and 0).
  static func tally(_ verdicts: [CanvasVerdict]) -> CaptionScoreGroup {
    let garments = verdicts.flatMap(\.garments), empty = verdicts.flatMap(\.emptySlots)
    func fraction(_ flags: [Bool]) -> Double? {
      flags.isEmpty ? nil : Double(flags.filter { $0 }.count) / Double(flags.count)
    }
    let byClass = Dictionary(grouping: garments, by: \.classIndex).reduce(into: [String: Double]()) { result, entry in
      result[CaptionVocabulary.classWords[entry.key]] = fraction(entry.value.map(\.classCorrect))
    }
    let small = garments.compactMap(\.verticalCorrect), flips = garments.compactMap(\.flipCorrect)
    return CaptionScoreGroup(
      canvases: verdicts.count, garments: garments.count,
      captionAccuracy: fraction(verdicts.map(\.captionCorrect)) ?? 0,
      classAccuracy: fraction(garments.map(\.classCorrect)) ?? 0, classAccuracyByClass: byClass,
      emptyAccuracy: fraction(empty), emptySlots: empty.count,
      sizeAccuracy: fraction(garments.map(\.sizeCorrect)) ?? 0,
      brightnessAccuracy: fraction(garments.map(\.brightnessCorrect)) ?? 0,
      verticalAccuracy: fraction(small), smallGarments: small.count,
      flipAccuracy: fraction(flips), flipGarments: flips.count, fid: nil, referenceCrops: 0)
  }
}
