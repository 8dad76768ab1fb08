/// The characters the panels draw with: Unicode (braille, half blocks, box lines) on UTF-8 terminals, plain
/// ASCII elsewhere. Panels never spell a glyph themselves; they ask the set in use.
public struct Glyphs: Sendable, Equatable {
  /// Whether this is the Unicode set.
  public let unicode: Bool

  /// The Unicode set.
  public static let utf8 = Glyphs(unicode: true)
  /// The ASCII fallback.
  public static let ascii = Glyphs(unicode: false)

  /// Box corners and lines: top-left, top-right, bottom-left, bottom-right, horizontal, vertical.
  public var box: (tl: Unicode.Scalar, tr: Unicode.Scalar, bl: Unicode.Scalar, br: Unicode.Scalar,
                   h: Unicode.Scalar, v: Unicode.Scalar) {
    unicode ? ("╭", "╮", "╰", "╯", "─", "│") : ("+", "+", "+", "+", "-", "|")
  }

  /// Upper half block (foreground = top pixel, background = bottom pixel).
  public var upperHalf: Unicode.Scalar { unicode ? "▀" : "#" }

  /// Intensity ramp, darkest first, for monochrome heatmaps and images.
  public var shades: [Unicode.Scalar] {
    unicode ? [" ", "░", "▒", "▓", "█"] : [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
  }

  /// The shade for intensity `v` (0…1).
  public func shade(_ v: Double) -> Unicode.Scalar {
    let s = shades
    let i = v.isFinite ? Int((min(max(v, 0), 1) * Double(s.count - 1)).rounded()) : 0
    return s[i]
  }

  /// The glyph for `v` (−1…1) on a diverging map without colour: blank near zero, then a ramp of its own
  /// for each sign (negative: `-` `=` `≡`, positive: the shades; ASCII `-` `=` and `:` `*` `#`).
  public func diverging(_ v: Double) -> Unicode.Scalar {
    let m = v.isFinite ? min(abs(v), 1) : 0
    guard m >= 0.1 else { return " " }
    let ramp: [Unicode.Scalar] = v < 0 ? (unicode ? ["-", "=", "≡"] : ["-", "="]) : (unicode ? ["░", "▒", "▓", "█"] : [":", "*", "#"])
    return ramp[min(Int((m - 0.1) / 0.9 * Double(ramp.count)), ramp.count - 1)]
  }

  /// Vertical marker line in charts.
  public var markerLine: Unicode.Scalar { unicode ? "┊" : ":" }
  /// Filled and empty parts of a progress bar.
  public var barFull: Unicode.Scalar { unicode ? "█" : "#" }
  public var barEmpty: Unicode.Scalar { unicode ? "░" : "." }
  /// Ellipsis for cut text.
  public var ellipsis: String { unicode ? "…" : "~" }
  /// Arrow between an old and a new value.
  public var arrow: String { unicode ? "→" : "->" }
  /// Best-value star.
  public var star: String { unicode ? "★" : "*" }
  /// Separator between status-bar fields.
  public var separator: String { unicode ? " │ " : " | " }

  /// Letters for hyperparameters on chart markers and in the editor.
  public func symbol(_ name: String) -> String {
    switch name {
    case "alpha": return unicode ? "α" : "a"
    case "beta": return unicode ? "β" : "b"
    case "lr": return unicode ? "η" : "l"
    default: return String(name.prefix(1))
    }
  }

  /// A one-character ASCII stand-in for a non-ASCII scalar (for text that reaches an ASCII-only terminal).
  public static func asciiFallback(_ s: Unicode.Scalar) -> Unicode.Scalar {
    if s.isASCII { return s }
    switch s {
    case "→": return ">"
    case "–", "—", "─", "╌": return "-"
    case "…": return "~"
    case "×": return "x"
    case "±": return "+"
    case "α": return "a"
    case "β": return "b"
    case "η": return "l"
    case "│", "┊": return "|"
    case "★": return "*"
    case "ε": return "e"
    case "Δ": return "D"
    case "≥": return ">"
    default: return (0x2800...0x28ff).contains(s.value) ? "*" : "?"
    }
  }

  /// A braille cell from its 8 dot bits (bit i = dot i+1 in Unicode's numbering).
  public func braille(_ bits: UInt8) -> Unicode.Scalar { Unicode.Scalar(0x2800 + UInt32(bits))! }
}
