/// Which layouts a ``CaptionCanvasGenerator`` draws with respect to the held-out (class, slot) pairs.
///
/// Four pairs never appear in training captions, so a model's samples for them test whether it composes
/// a class word with a position word it has only seen with other classes: `trouser` and `bag` on the
/// left, `dress` and `sneaker` on the right. Every class and every slot still appear in training.
public enum HeldOutPolicy: String, Codable, CaseIterable, Sendable {
  /// Training: no garment is a held-out pair.
  case exclude
  /// Evaluation of generalisation: at least one garment is a held-out pair.
  case only
  /// Any layout.
  case include

  /// The held-out pairs, as (Fashion-MNIST label, slot).
  public static let pairs: [(classIndex: Int, slot: GarmentLayout.Slot)] = [
    (1, .left), (8, .left), (3, .right), (7, .right),
  ]

  /// Whether class `classIndex` in `slot` is held out.
  public static func isHeldOut(classIndex: Int, slot: GarmentLayout.Slot) -> Bool {
    pairs.contains { $0.classIndex == classIndex && $0.slot == slot }
  }

  /// Whether `layout` is one this policy draws.
  public func admits(_ layout: CanvasLayout) -> Bool {
    switch self {
    case .exclude: return !layout.isHeldOut
    case .only: return layout.isHeldOut
    case .include: return true
    }
  }
}
