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
}
