import Foundation

/// The caption scores of one group of canvases (seen layouts, held-out layouts, or all): how often the
/// garments are the captioned classes in the captioned places, how often each attribute is right, and
/// the FID of the garment crops.
///
/// Accuracies are fractions in [0, 1]; one that has nothing to count (no small garments, say) is nil.
public struct CaptionScoreGroup: Codable, Equatable, Sendable {
  /// Canvases in the group.
  public var canvases: Int
  /// Garments their captions name.
  public var garments: Int
  /// Canvases whose every garment is classified as its caption's class in its caption's box, and whose
  /// slot without a garment is empty.
  public var captionAccuracy: Double
  /// Garments classified as their caption's class (crop of the caption's box).
  public var classAccuracy: Double
  /// The class accuracy of each class word that occurs.
  public var classAccuracyByClass: [String: Double]
  /// Slots the caption leaves empty that are empty.
  public var emptyAccuracy: Double?
  /// Slots the captions leave empty.
  public var emptySlots: Int
  /// Garments whose ink extent matches the caption's size.
  public var sizeAccuracy: Double
  /// Garments whose peak ink matches the caption's brightness.
  public var brightnessAccuracy: Double
  /// Small garments whose ink lies in the caption's half.
  public var verticalAccuracy: Double?
  /// Garments captioned small.
  public var smallGarments: Int
  /// Garments of a flip-readable class (``FlipJudge/classes``) whose orientation matches the caption.
  public var flipAccuracy: Double?
  /// Garments of a flip-readable class.
  public var flipGarments: Int
  /// FID of the garment crops against crops of the same layouts drawn with real test images; nil with
  /// fewer than two crops.
  public var fid: Double?
  /// Real crops in the FID reference.
  public var referenceCrops: Int

  enum CodingKeys: String, CodingKey {
    case canvases, garments, captionAccuracy = "caption_accuracy", classAccuracy = "class_accuracy"
    case classAccuracyByClass = "class_accuracy_by_class", emptyAccuracy = "empty_accuracy", emptySlots = "empty_slots"
    case sizeAccuracy = "size_accuracy", brightnessAccuracy = "brightness_accuracy"
    case verticalAccuracy = "vertical_accuracy", smallGarments = "small_garments"
    case flipAccuracy = "flip_accuracy", flipGarments = "flip_garments", fid, referenceCrops = "reference_crops"
  }
}

/// The scores of a set of captioned canvases, on the layouts seen in training, on those with a held-out
/// (class, slot) pair, and on all; with a markdown table and JSON.
public struct CaptionScores: Codable, Equatable, Sendable {
  /// Layouts without a held-out pair (nil when there are none).
  public var seen: CaptionScoreGroup?
  /// Layouts with a held-out pair (nil when there are none).
  public var heldOut: CaptionScoreGroup?
  /// Every canvas.
  public var all: CaptionScoreGroup
  /// The evaluator that classified the crops and gave their features.
  public var evaluatorTag: String

  enum CodingKeys: String, CodingKey {
    case seen, heldOut = "held_out", all, evaluatorTag = "evaluator"
  }

  /// The scores as pretty-printed JSON with sorted keys.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// A markdown table: one row per score, one column per group.
  public var markdown: String {
    let groups: [(String, CaptionScoreGroup?)] = [("seen", seen), ("held-out", heldOut), ("all", all)]
    func cell(_ value: Double?, count: Int? = nil, digits: Int = 3) -> String {
      guard let value else { return "–" }
      return String(format: "%.\(digits)f", value) + (count.map { " (\($0))" } ?? "")
    }
    let rows: [(String, (CaptionScoreGroup) -> String)] = [
      ("canvases", { "\($0.canvases)" }),
      ("garments", { "\($0.garments)" }),
      ("caption accuracy", { cell($0.captionAccuracy) }),
      ("class accuracy", { cell($0.classAccuracy) }),
      ("empty slot (slots)", { cell($0.emptyAccuracy, count: $0.emptySlots) }),
      ("size", { cell($0.sizeAccuracy) }),
      ("brightness", { cell($0.brightnessAccuracy) }),
      ("top/bottom (small garments)", { cell($0.verticalAccuracy, count: $0.smallGarments) }),
      ("flip (sandal, sneaker, boot)", { cell($0.flipAccuracy, count: $0.flipGarments) }),
      ("crop FID (reference crops)", { cell($0.fid, count: $0.referenceCrops, digits: 2) }),
    ]
    var lines = ["| \(evaluatorTag) | " + groups.map(\.0).joined(separator: " | ") + " |",
                 "|---|" + String(repeating: "---|", count: groups.count)]
    for (name, value) in rows {
      lines.append("| \(name) | " + groups.map { $0.1.map(value) ?? "–" }.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n")
  }
}
