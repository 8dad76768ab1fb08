import DTRData

/// What the scorer read from one garment: each check right or wrong, nil where it does not apply.
struct GarmentVerdict: Sendable {
  /// The caption's class.
  var classIndex: Int
  /// The evaluator's class of the crop is the caption's.
  var classCorrect: Bool
  /// The ink extent says the caption's size.
  var sizeCorrect: Bool
  /// The peak ink says the caption's brightness.
  var brightnessCorrect: Bool
  /// The ink lies in the caption's half (small garments only).
  var verticalCorrect: Bool?
  /// The orientation is the caption's (flip-readable classes only).
  var flipCorrect: Bool?
}

/// What the scorer read from one canvas.
struct CanvasVerdict: Sendable {
  /// The caption's garments, in caption order.
  var garments: [GarmentVerdict]
  /// For each slot the caption leaves empty, whether it is.
  var emptySlots: [Bool]
  /// Whether the layout has a held-out pair.
  var heldOut: Bool

  /// Every garment is its class and every empty slot is empty.
  var captionCorrect: Bool { garments.allSatisfy(\.classCorrect) && emptySlots.allSatisfy { $0 } }
}
