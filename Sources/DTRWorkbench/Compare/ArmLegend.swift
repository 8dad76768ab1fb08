/// The legend over the loss chart: `1 █ routing=none  2 █ routing=dtr` for the arms shown, each in its
/// colour (its chart character without colour), then `hidden: 3 4` with the keys that show them again.
public enum ArmLegend {
  /// The legend's entries as text, in arm order: the shown arms, then the hidden ones' keys.
  public static func items(_ arms: [ComparisonArm], hidden: Set<Int>, _ ctx: RenderContext) -> [(text: String, arm: Int?)] {
    var items: [(String, Int?)] = []
    for (i, arm) in arms.enumerated() where !hidden.contains(i) {
      let mark = ctx.color ? String(ctx.glyphs.barFull) : String(ArmPalette.marks[i % ArmPalette.marks.count])
      items.append(("\(i < 9 ? String(i + 1) : " ") \(mark) \(arm.name)", i))
    }
    if !hidden.isEmpty { items.append(("hidden: " + hidden.sorted().map { String($0 + 1) }.joined(separator: " "), nil)) }
    return items
  }

  /// Draws the legend from the top of `r`, wrapping onto as many rows as it needs (at most half of
  /// `r`); returns the rows used.
  @discardableResult
  public static func render(_ arms: [ComparisonArm], hidden: Set<Int>, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) -> Int {
    var x = r.x + 1, row = 0
    for item in items(arms, hidden: hidden, ctx) {
      let width = item.text.count
      if x > r.x + 1 && x + width > r.x + r.width {
        guard row + 1 < max(1, r.height / 2) else { break }
        row += 1
        x = r.x + 1
      }
      let style = item.arm.map { ArmPalette.layer($0, ctx).style } ?? ctx.style(.inactiveFg)
      x = canvas.text(x, r.y + row, item.text, style, maxWidth: r.x + r.width - x) + 2
    }
    return row + 1
  }
}
