/// Reads a caption of the fixed grammar back into the ``CanvasLayout`` it describes.
///
///     caption  = phrase | phrase "and" phrase
///     phrase   = "a" size brightness ["flipped"] class "on" "the" [vertical] slot
///     size     = "small" | "large"          brightness = "dark" | "light"
///     vertical = "top" | "bottom"  (exactly for small garments)
///     slot     = "left" | "right"  (each slot at most once)
///
/// Parsing is strict: `parse(layout.caption) == layout` for every layout, and any other text throws a
/// ``CaptionError`` naming the first word that does not fit and what was expected there.
public struct CaptionParser {
  /// The caption being read.
  private let caption: String
  /// Its words.
  private let words: [String]
  /// The next word to read.
  private var position = 0

  /// The layout `caption` describes.
  public static func parse(_ caption: String) throws -> CanvasLayout {
    _ = try CaptionVocabulary.encode(caption)
    var parser = CaptionParser(caption: caption, words: CaptionVocabulary.split(caption))
    var garments = [try parser.phrase()]
    if parser.position < parser.words.count {
      _ = try parser.expect(["and"], "'and' and a second garment, or the end")
      garments.append(try parser.phrase())
    }
    if parser.position < parser.words.count {
      throw parser.error("the end of the caption (at most two garments)")
    }
    if garments.count == 2 && garments[0].slot == garments[1].slot {
      throw CaptionError(caption, "both garments are on the \(garments[0].slot.rawValue)",
                         fix: "put one on the left and one on the right")
    }
    return CanvasLayout(garments: garments)
  }

  private init(caption: String, words: [String]) {
    self.caption = caption
    self.words = words
  }

  /// One garment phrase.
  private mutating func phrase() throws -> GarmentLayout {
    _ = try expect(["a"], "'a'")
    let size = GarmentLayout.Size(rawValue: try expect(["small", "large"], "a size (small or large)"))!
    let dark = try expect(["dark", "light"], "a brightness (dark or light)") == "dark"
    let flipped = position < words.count && words[position] == "flipped"
    if flipped { position += 1 }
    let classWords = CaptionVocabulary.classWords
    let classIndex = classWords.firstIndex(of: try expect(classWords, "a garment (\(classWords.joined(separator: ", ")))"))!
    _ = try expect(["on"], "'on'")
    _ = try expect(["the"], "'the'")
    var vertical: GarmentLayout.Vertical?
    if size == .small {
      vertical = GarmentLayout.Vertical(rawValue: try expect(["top", "bottom"], "top or bottom (a small garment's half)"))
    }
    let slot = GarmentLayout.Slot(rawValue: try expect(["left", "right"], size == .large
      ? "left or right (a large garment fills its half, so no top or bottom)" : "left or right"))!
    return GarmentLayout(classIndex: classIndex, slot: slot, size: size, vertical: vertical, dark: dark, flipped: flipped)
  }

  /// Reads the next word, which must be one of `allowed`; `what` describes them for the error.
  private mutating func expect(_ allowed: [String], _ what: String) throws -> String {
    guard position < words.count, allowed.contains(words[position]) else { throw error(what) }
    position += 1
    return words[position - 1]
  }

  /// The error for finding something other than `what` at the current word.
  private func error(_ what: String) -> CaptionError {
    let found = position < words.count ? "'\(words[position])' (word \(position + 1))" : "the end"
    return CaptionError(caption, "expected \(what), found \(found)",
                        fix: "write garments as 'a small|large dark|light [flipped] CLASS on the [top|bottom] left|right', joined by 'and'")
  }
}
