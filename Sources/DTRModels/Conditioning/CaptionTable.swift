import DTRData

/// The captions a captioned model reads, addressed by label: label y selects row y. Row 0
/// (``nullRow``) is always the null caption of classifier-free guidance (`[<null>, <pad>, …]`), so the
/// sampler's "null class" and the trainer's caption dropout are the label 0, as for class labels.
///
/// The sampler, the trainer and `dtr sample` keep speaking labels; whoever holds the captions (a batch,
/// a list of prompts) binds them as the model's table (``DenoisingNetwork/captions``) before calling it.
public struct CaptionTable: Sendable, Equatable {
  /// The row of the null caption.
  public static let nullRow = 0
  /// Tokens per caption.
  public let length: Int
  /// Row-major token ids, `rows × length` (0 = padding).
  public private(set) var tokens: [Int32]

  /// The null caption followed by `captions` (each ``CaptionVocabulary/length`` ids): caption i is row i + 1.
  public init(captions: [[Int32]]) {
    length = CaptionVocabulary.length
    tokens = CaptionVocabulary.nullTokens
    tokens.reserveCapacity((captions.count + 1) * length)
    for c in captions {
      precondition(c.count == length, "a caption has \(c.count) tokens, expected \(length)")
      tokens += c
    }
  }

  /// The null caption followed by `count` captions read from `flat` (`[count, length]`).
  public init(flat: UnsafePointer<Int32>, count: Int) {
    self.init(captions: (0..<count).map { i in Array(UnsafeBufferPointer(start: flat + i * CaptionVocabulary.length,
                                                                          count: CaptionVocabulary.length)) })
  }

  /// Rows, the null caption included.
  public var rows: Int { tokens.count / length }

  /// The label of caption i (its row).
  public static func label(ofCaption i: Int) -> Int { i + 1 }

  /// The token ids of the rows `labels` select, `[labels.count · length]`.
  public func tokens(for labels: [Int]) -> [Int32] {
    var out = [Int32]()
    out.reserveCapacity(labels.count * length)
    for y in labels {
      precondition(y >= 0 && y < rows, "label \(y) has no caption row (table of \(rows))")
      out += tokens[(y * length)..<((y + 1) * length)]
    }
    return out
  }
}
