/// What a caption canvas shows: one or two garments, in the order the caption names them, each in its
/// own slot of the 28×56 canvas.
public struct CanvasLayout: Codable, Equatable, Hashable, Sendable {
  /// Canvas height in pixels.
  public static let height = 28
  /// Canvas width in pixels: two square slots side by side.
  public static let width = 56
  /// The side of a slot and of a large garment.
  public static let slotSide = 28
  /// The side of a small garment.
  public static let smallSide = 14
  /// Pixels per canvas.
  public static let pixels = height * width

  /// The garments in caption order.
  public var garments: [GarmentLayout]

  /// A layout of one or two garments in different slots.
  public init(garments: [GarmentLayout]) {
    precondition((1...2).contains(garments.count), "a canvas holds one or two garments, not \(garments.count)")
    precondition(Set(garments.map(\.slot)).count == garments.count, "two garments in one slot")
    self.garments = garments
  }

  /// The caption: the garment phrases joined by `and`.
  public var caption: String { garments.map(\.phrase).joined(separator: " and ") }

  /// The garment in `slot`, or nil when the slot is empty.
  public func garment(in slot: GarmentLayout.Slot) -> GarmentLayout? { garments.first { $0.slot == slot } }

  /// Whether some garment is a held-out (class, slot) combination.
  public var isHeldOut: Bool { garments.contains { HeldOutPolicy.isHeldOut(classIndex: $0.classIndex, slot: $0.slot) } }
}
