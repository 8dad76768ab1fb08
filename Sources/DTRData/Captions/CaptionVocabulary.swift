/// The fixed word list of the caption grammar and the mapping between captions and token ids.
///
/// Id 0 is padding, id 1 the null caption of classifier-free guidance (`[1, 0, 0, …]`), and the words
/// follow from id 2 in the order of ``words``. Every caption is encoded to exactly ``length`` ids.
public struct CaptionVocabulary {
  /// The id of padding.
  public static let pad: Int32 = 0
  /// The id that makes up the null caption.
  public static let null: Int32 = 1

  /// The grammar's words, in id order from 2: the function words, the attribute words, then the ten
  /// class words in label order.
  public static let words: [String] =
    ["a", "and", "on", "the", "left", "right", "top", "bottom", "small", "large", "dark", "light", "flipped"]
    + classWords

  /// The caption word of each Fashion-MNIST class, indexed by label.
  public static let classWords = [
    "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot",
  ]

  /// Tokens per caption, padding included.
  public static let length = 24

  /// The null caption: `null` followed by padding.
  public static let nullTokens: [Int32] = [null] + [Int32](repeating: pad, count: length - 1)

  /// The number of ids: padding, null and the words.
  public static var size: Int { words.count + 2 }

  /// The id of each word.
  private static let ids: [String: Int32] = Dictionary(
    uniqueKeysWithValues: words.enumerated().map { ($0.element, Int32($0.offset + 2)) })

  /// The words of `caption`: lower-cased and split on white space.
  public static func split(_ caption: String) -> [String] {
    caption.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
  }

  /// The ``length`` ids of `caption`, padded with 0.
  ///
  /// Throws a ``CaptionError`` naming the first unknown word (and listing the vocabulary), or saying the
  /// caption is empty or longer than ``length`` words.
  public static func encode(_ caption: String) throws -> [Int32] {
    let tokens = split(caption)
    guard !tokens.isEmpty else {
      throw CaptionError(caption, "empty caption", fix: "write e.g. \"a large light bag on the right\"")
    }
    guard tokens.count <= length else {
      throw CaptionError(caption, "\(tokens.count) words, more than \(length)", fix: "describe at most two garments")
    }
    var encoded = [Int32](repeating: pad, count: length)
    for (i, word) in tokens.enumerated() {
      guard let id = ids[word] else {
        throw CaptionError(caption, "unknown word '\(word)'", fix: "use only: \(words.joined(separator: " "))")
      }
      encoded[i] = id
    }
    return encoded
  }

  /// The words of `ids` joined by spaces; padding and the null id are left out (the null caption
  /// decodes to ""), and an id outside the vocabulary shows as `<id N>`.
  public static func decode(_ ids: [Int32]) -> String {
    ids.compactMap { id -> String? in
      if id == pad || id == null { return nil }
      let index = Int(id) - 2
      return words.indices.contains(index) ? words[index] : "<id \(id)>"
    }.joined(separator: " ")
  }
}
