/// What every panel needs besides the model: the theme, the glyph set and whether colour is available.
public struct RenderContext: Sendable {
  /// Colours.
  public var theme: Theme
  /// Characters.
  public var glyphs: Glyphs
  /// False on monochrome terminals and under `NO_COLOR`: panels then encode values as glyphs and attributes.
  public var color: Bool

  /// A context.
  public init(theme: Theme = .builtIn, glyphs: Glyphs = .utf8, color: Bool = true) {
    self.theme = theme
    self.glyphs = glyphs
    self.color = color
  }

  /// Shorthand for `theme.style`.
  public func style(_ key: ThemeKey, _ attrs: Style.Attributes = []) -> Style { theme.style(key, attrs) }

  /// Draws a box around `r` with `title` in its top edge and returns the inside.
  @discardableResult
  public func box(_ canvas: inout Canvas, _ r: Rect, title: String, focused: Bool = false) -> Rect {
    guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
    let b = glyphs.box
    let line = style(focused ? .hiFg : .divLine)
    canvas.fill(r, " ", style(.mainFg))
    for x in (r.x + 1)..<(r.x + r.width - 1) {
      canvas.put(x, r.y, b.h, line)
      canvas.put(x, r.y + r.height - 1, b.h, line)
    }
    for y in (r.y + 1)..<(r.y + r.height - 1) {
      canvas.put(r.x, y, b.v, line)
      canvas.put(r.x + r.width - 1, y, b.v, line)
    }
    canvas.put(r.x, r.y, b.tl, line)
    canvas.put(r.x + r.width - 1, r.y, b.tr, line)
    canvas.put(r.x, r.y + r.height - 1, b.bl, line)
    canvas.put(r.x + r.width - 1, r.y + r.height - 1, b.br, line)
    canvas.text(r.x + 2, r.y, " " + title.truncated(to: max(0, r.width - 6), ellipsis: glyphs.ellipsis) + " ",
                style(.title, .bold), maxWidth: r.width - 3)
    return r.inset(1)
  }

  /// Paints a grid of values (0…1, nil = empty) of `pixelsWide × pixelsHigh` pixels into `r`, two pixel
  /// rows per cell: `▀` with the top pixel as foreground and the bottom one as background in colour,
  /// shade glyphs of the pair's mean without colour or in ASCII. `colorOf` maps a value to its colour.
  public func paintPixels(_ canvas: inout Canvas, _ r: Rect, pixelsWide: Int, pixelsHigh: Int,
                          colorOf: (Double) -> RGB?, value: (Int, Int) -> Double?) {
    let bg = theme[.mainBg]
    for cy in 0..<min(r.height, (pixelsHigh + 1) / 2) {
      for cx in 0..<min(r.width, pixelsWide) {
        let top = value(cx, 2 * cy)
        let bottom = 2 * cy + 1 < pixelsHigh ? value(cx, 2 * cy + 1) : nil
        if color && glyphs.unicode {
          if top == nil && bottom == nil { continue }
          let st = Style(fg: top.flatMap(colorOf) ?? bg, bg: bottom.flatMap(colorOf) ?? bg)
          canvas.put(r.x + cx, r.y + cy, glyphs.upperHalf, st)
        } else {
          let vs = [top, bottom].compactMap { $0 }
          guard !vs.isEmpty else { continue }
          let mean = vs.reduce(0, +) / Double(vs.count)
          canvas.put(r.x + cx, r.y + cy, glyphs.shade(mean), Style(fg: color ? colorOf(mean) : nil, bg: bg))
        }
      }
    }
  }

  /// Draws the heatmap colour scale, `cells` wide, from (`x`, `y`); returns the column after it.
  @discardableResult
  public func heatLegend(_ canvas: inout Canvas, x: Int, y: Int, cells: Int) -> Int {
    for i in 0..<cells {
      let v = cells > 1 ? Double(i) / Double(cells - 1) : 1
      canvas.put(x + i, y, color ? glyphs.barFull : glyphs.shade(v), Style(fg: color ? theme.heat(v) : nil, bg: theme[.mainBg]))
    }
    return x + cells
  }

  /// A horizontal progress bar of `width` cells, `fraction` full.
  public func bar(_ canvas: inout Canvas, x: Int, y: Int, width: Int, fraction: Double, _ key: ThemeKey) {
    let full = fraction.isFinite ? Int((min(max(fraction, 0), 1) * Double(width)).rounded()) : 0
    for i in 0..<max(width, 0) {
      canvas.put(x + i, y, i < full ? glyphs.barFull : glyphs.barEmpty, style(i < full ? key : .inactiveFg))
    }
  }
}
