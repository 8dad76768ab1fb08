import Foundation

/// Padding and cutting text for fixed-width cells.
extension String {
  /// The string padded on the left to `width` characters.
  func leftPadded(to width: Int, with pad: Character = " ") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }

  /// The string cut to `width` characters, with an ellipsis when cut.
  func truncated(to width: Int, ellipsis: String = "…") -> String {
    guard count > width else { return self }
    guard width > 0 else { return "" }
    return String(prefix(width - 1)) + ellipsis
  }

  /// The string's words (the parts between `gap`s) in lines of at most `width` characters, joined by
  /// `gap` again; a word longer than a line is cut into pieces. At least one line.
  func wrapped(to width: Int, gap: String = " ") -> [String] {
    let w = max(1, width)
    var lines: [String] = [], line = ""
    for part in components(separatedBy: gap) where !part.isEmpty {
      var word = Substring(part)
      if !line.isEmpty && line.count + gap.count + word.count <= w {
        line += gap + word
        continue
      }
      if !line.isEmpty { lines.append(line) }
      while word.count > w {
        lines.append(String(word.prefix(w)))
        word = word.dropFirst(w)
      }
      line = String(word)
    }
    return lines + [line]
  }
}
