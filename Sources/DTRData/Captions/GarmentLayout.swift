/// One garment on a caption canvas: which class, where, how big, how bright, and whether mirrored.
///
/// A large garment fills its 28×28 slot; a small one is the image downscaled to 14×14, horizontally
/// centred in the top or bottom half of its slot.
public struct GarmentLayout: Codable, Equatable, Hashable, Sendable {
  /// The left (columns 0–27) or right (28–55) half of the canvas.
  public enum Slot: String, Codable, CaseIterable, Sendable { case left, right }
  /// Large (28×28) or small (14×14).
  public enum Size: String, Codable, CaseIterable, Sendable { case small, large }
  /// The half of the slot a small garment sits in.
  public enum Vertical: String, Codable, CaseIterable, Sendable { case top, bottom }

  /// The Fashion-MNIST label, 0–9.
  public var classIndex: Int
  /// The slot holding the garment.
  public var slot: Slot
  /// Its size.
  public var size: Size
  /// Top or bottom for a small garment, nil for a large one.
  public var vertical: Vertical?
  /// Whether the ink is scaled by ``darkInk`` (`dark`) rather than kept (`light`).
  public var dark: Bool
  /// Whether the image is mirrored left–right.
  public var flipped: Bool

  /// The factor a dark garment's ink (pixel intensity above black) is scaled by.
  public static let darkInk: Float = 0.5

  /// A garment; `vertical` must be given exactly when `size` is small.
  public init(classIndex: Int, slot: Slot, size: Size, vertical: Vertical? = nil, dark: Bool = false, flipped: Bool = false) {
    precondition((0..<10).contains(classIndex), "class \(classIndex) is not a Fashion-MNIST label")
    precondition((size == .small) == (vertical != nil), "a small garment needs top or bottom, a large one neither")
    self.classIndex = classIndex
    self.slot = slot
    self.size = size
    self.vertical = vertical
    self.dark = dark
    self.flipped = flipped
  }

  /// The caption phrase, e.g. `a small dark flipped sneaker on the top left`.
  public var phrase: String {
    var words = ["a", size.rawValue, dark ? "dark" : "light"]
    if flipped { words.append("flipped") }
    words += [CaptionVocabulary.classWords[classIndex], "on", "the"]
    if let vertical { words.append(vertical.rawValue) }
    words.append(slot.rawValue)
    return words.joined(separator: " ")
  }

  /// The rows and columns of the canvas the garment's image covers.
  public var box: (rows: Range<Int>, columns: Range<Int>) {
    let side = CanvasLayout.slotSide, small = CanvasLayout.smallSide
    let left = slot == .left ? 0 : side
    guard let vertical else { return (0..<side, left..<(left + side)) }
    let top = vertical == .top ? 0 : side - small, inset = left + (side - small) / 2
    return (top..<(top + small), inset..<(inset + small))
  }
}
