import Foundation

/// Reads btop-style theme files: one `theme[key]="value"` per line, `#` comments, blank lines.
/// Values are `#RRGGBB`, `#GG` (grey), `R G B` (decimal) or empty (the terminal's default colour).
/// Keys the file leaves out keep the built-in theme's colour; unknown keys are ignored.
public enum ThemeParser {
  /// Parses theme text. Throws ``ThemeError`` for a line that is not a comment, blank, or a valid entry.
  public static func parse(_ text: String, name: String, file: String = "theme") throws -> Theme {
    var theme = Theme.builtIn
    theme.name = name
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      func fail(_ why: String) -> ThemeError { ThemeError(description: "\(file) line \(i + 1): \(why): \(line)") }
      guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else {
        throw fail("expected theme[key]=\"#RRGGBB\"")
      }
      let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
      var rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
      guard rest.hasPrefix("=") else { throw fail("expected = after the key") }
      rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces)
      guard rest.count >= 2, let q = rest.first, q == "\"" || q == "'", rest.last == q else {
        throw fail("expected a quoted value")
      }
      let value = String(rest.dropFirst().dropLast())
      guard let color = parseColor(value) else { throw fail("not a colour (use #RRGGBB, #GG or R G B)") }
      if let k = ThemeKey(rawValue: key) { theme.colors[k] = color }
    }
    return theme
  }

  /// Parses a colour value; `.some(nil)` for an empty value (terminal default), nil when malformed.
  public static func parseColor(_ value: String) -> RGB?? {
    let v = value.trimmingCharacters(in: .whitespaces)
    if v.isEmpty { return .some(nil) }
    if v.hasPrefix("#") {
      let hex = v.dropFirst()
      guard hex.count == 6 || hex.count == 2, let n = UInt32(hex, radix: 16) else { return nil }
      if hex.count == 2 { return RGB(UInt8(n), UInt8(n), UInt8(n)) }
      return RGB(UInt8(n >> 16), UInt8((n >> 8) & 0xff), UInt8(n & 0xff))
    }
    let parts = v.split(separator: " ").compactMap { UInt8($0) }
    guard parts.count == 3, v.split(separator: " ").count == 3 else { return nil }
    return RGB(parts[0], parts[1], parts[2])
  }
}
