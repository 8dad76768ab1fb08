import DTREngine

/// Draws captioned canvases from a Fashion-MNIST split, forever and deterministically per seed.
///
/// Each canvas holds one or two garments (even odds) in random slots, in random caption order; every
/// garment's class, size, half (when small), brightness and flip are drawn uniformly and its image is a
/// random image of its class. Layouts the ``HeldOutPolicy`` does not admit are drawn again. The whole
/// state is one generator, so `next(count: a)` then `next(count: b)` equals `next(count: a + b)`, and a
/// saved ``state`` resumes exactly.
public final class CaptionCanvasGenerator {
  /// The images garments are drawn from.
  public let dataset: ImageDataset
  /// Which layouts are drawn.
  public let heldOut: HeldOutPolicy
  /// The random generator.
  private var random: SplitMix64
  /// The image indices of each class.
  private let imagesOfClass: [[Int]]

  /// A generator over `dataset`, which must hold images of all ten classes.
  public init(dataset: ImageDataset, seed: UInt64, heldOut: HeldOutPolicy) {
    precondition(dataset.height == CanvasLayout.slotSide && dataset.width == CanvasLayout.slotSide,
                 "garment images must be \(CanvasLayout.slotSide)×\(CanvasLayout.slotSide)")
    var byClass = [[Int]](repeating: [], count: CaptionVocabulary.classWords.count)
    for (index, label) in dataset.labels.enumerated() { byClass[Int(label)].append(index) }
    precondition(byClass.allSatisfy { !$0.isEmpty }, "every class needs at least one image")
    self.dataset = dataset
    self.heldOut = heldOut
    random = SplitMix64(seed: seed)
    imagesOfClass = byClass
  }

  /// A generator over a Fashion-MNIST split loaded from `directory`.
  public convenience init(split: FashionMNIST.Split, directory: String = FashionMNIST.defaultDirectory,
                          seed: UInt64, heldOut: HeldOutPolicy) throws {
    self.init(dataset: try FashionMNIST.load(split: split, directory: directory), seed: seed, heldOut: heldOut)
  }

  /// The random generator's state: assign a saved value to resume from it.
  public var state: UInt64 {
    get { random.state }
    set { random.state = newValue }
  }

  /// The layout `caption` describes (see ``CaptionParser``).
  public static func parse(_ caption: String) throws -> CanvasLayout { try CaptionParser.parse(caption) }

  /// Draws `count` canvases into `images` (`[count, 1, 28, 56]`) and their captions into `tokens`
  /// (`[count, CaptionVocabulary.length]`), and returns their layouts.
  public func next(into images: UnsafeMutablePointer<Float>, tokens: UnsafeMutablePointer<Int32>, count: Int) -> [CanvasLayout] {
    (0..<count).map { i in
      let layout = nextLayout()
      render(layout, into: images + i * CanvasLayout.pixels)
      // The generator's captions use only vocabulary words and fit the length, so encoding cannot fail.
      let ids = try! CaptionVocabulary.encode(layout.caption)
      (tokens + i * CaptionVocabulary.length).update(from: ids, count: ids.count)
      return layout
    }
  }

  /// The next layout the policy admits (no image is drawn).
  public func nextLayout() -> CanvasLayout {
    while true {
      let two = random.nextInt(2) == 1
      let first: GarmentLayout.Slot = random.nextInt(2) == 0 ? .left : .right
      let slots = two ? [first, first == .left ? .right : .left] : [first]
      let layout = CanvasLayout(garments: slots.map { nextGarment(in: $0) })
      if heldOut.admits(layout) { return layout }
    }
  }

  /// Draws `layout` into `canvas` (``CanvasLayout/pixels`` floats) with a random image of each
  /// garment's class.
  public func render(_ layout: CanvasLayout, into canvas: UnsafeMutablePointer<Float>) {
    let images = layout.garments.map { garment -> ArraySlice<UInt8> in
      let candidates = imagesOfClass[garment.classIndex]
      return dataset.image(candidates[random.nextInt(candidates.count)])
    }
    CanvasRenderer.draw(layout, images: images, into: canvas)
  }

  /// A garment in `slot` with uniformly drawn attributes.
  private func nextGarment(in slot: GarmentLayout.Slot) -> GarmentLayout {
    let classIndex = random.nextInt(CaptionVocabulary.classWords.count)
    let small = random.nextInt(2) == 0
    let vertical: GarmentLayout.Vertical? = small ? (random.nextInt(2) == 0 ? .top : .bottom) : nil
    return GarmentLayout(classIndex: classIndex, slot: slot, size: small ? .small : .large, vertical: vertical,
                         dark: random.nextInt(2) == 0, flipped: random.nextInt(2) == 0)
  }
}
