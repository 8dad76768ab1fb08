/// What the terminal can show, from best to worst.
public enum ColorDepth: Sendable, Equatable {
  /// The xterm 256-colour palette.
  case palette256
  /// The 16 ANSI colours (8 normal + 8 bright).
  case ansi16
  /// The 8 basic ANSI colours.
  case ansi8
  /// No colour at all (a monochrome terminal, or `NO_COLOR`): attributes only.
  case monochrome

  /// The depth for a terminal reporting `colors` colours, honouring `NO_COLOR` (any non-empty value).
  public static func detect(colors: Int, hasColors: Bool, noColor: String?) -> ColorDepth {
    if let n = noColor, !n.isEmpty { return .monochrome }
    guard hasColors else { return .monochrome }
    if colors >= 256 { return .palette256 }
    if colors >= 16 { return .ansi16 }
    return colors >= 8 ? .ansi8 : .monochrome
  }

  /// The terminal colour index nearest to `c`, or nil in monochrome.
  public func index(_ c: RGB) -> Int? {
    switch self {
    case .palette256: return ColorDepth.xterm256(c)
    case .ansi16: return ColorDepth.nearest(c, in: ColorDepth.ansiPalette)
    case .ansi8: return ColorDepth.nearest(c, in: ColorDepth.ansiPalette.prefix(8))
    case .monochrome: return nil
    }
  }

  /// Nearest xterm-256 index: the 24-step grey ramp (232–255) when r ≈ g ≈ b, otherwise the 6×6×6 cube (16–231).
  public static func xterm256(_ c: RGB) -> Int {
    let r = Int(c.r), g = Int(c.g), b = Int(c.b)
    if max(r, g, b) - min(r, g, b) < 10 {
      let v = (r + g + b) / 3
      if v < 4 { return 16 }
      if v > 246 { return 231 }
      return 232 + min(23, max(0, Int((Double(v - 8) / 10).rounded())))
    }
    func level(_ v: Int) -> Int { v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40 }
    return 16 + 36 * level(r) + 6 * level(g) + level(b)
  }

  /// The xterm default RGB values of the 16 ANSI colours.
  static let ansiPalette: [RGB] = [
    RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
    RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
    RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
    RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
  ]

  /// Index of the palette entry nearest to `c` (squared RGB distance).
  static func nearest<C: Collection>(_ c: RGB, in palette: C) -> Int where C.Element == RGB, C.Index == Int {
    func d(_ p: RGB) -> Int {
      let dr = Int(p.r) - Int(c.r), dg = Int(p.g) - Int(c.g), db = Int(p.b) - Int(c.b)
      return dr * dr + dg * dg + db * db
    }
    return palette.indices.min { d(palette[$0]) < d(palette[$1]) } ?? 0
  }
}
