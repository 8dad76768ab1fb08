/// How arms are told apart: a theme colour each (the chart colours first, then the message and heatmap
/// colours), and a character each, which the charts draw with where there is no colour or no braille.
public enum ArmPalette {
  /// The colours, in arm order (repeating after the last).
  public static let colors: [ThemeKey] = [.lossFg, .markerFg, .bestFg, .fidFg, .errorFg, .heatmapEnd, .heatmapMid, .title]
  /// The characters, in arm order (repeating after the last).
  public static let marks: [Unicode.Scalar] = ["*", "+", "o", "x", "#", "%", "@", "=", "&"]

  /// The chart layer of arm `i`.
  public static func layer(_ i: Int, _ ctx: RenderContext) -> BrailleChart.Layer {
    BrailleChart.Layer(style: ctx.style(colors[i % colors.count], .bold), ascii: marks[i % marks.count])
  }

  /// The glyphs charts draw with: braille only where colour tells the arms apart, else their characters.
  public static func chartGlyphs(_ ctx: RenderContext) -> Glyphs { ctx.color ? ctx.glyphs : .ascii }
}
