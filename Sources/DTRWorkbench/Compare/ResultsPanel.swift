/// The boxed table under the charts (``ComparisonTable``): columns as wide as their widest entry, the
/// first one (the arm, in its colour) cut to make the rest fit.
public enum ResultsPanel {
  /// Draws `table` into `r`, titled `title`.
  public static func render(_ table: ComparisonTable, title: String, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let inner = ctx.box(&canvas, r, title: title)
    guard !inner.isEmpty else { return }
    let all = [table.header] + table.rows
    var widths = table.header.indices.map { c in all.map { $0[c].count }.max()! }
    let gaps = 2 * (widths.count - 1) + 1
    widths[0] = max(4, min(widths[0], inner.width - gaps - widths.dropFirst().reduce(0, +)))
    func draw(_ cells: [String], y: Int, style: (Int) -> Style) {
      var x = inner.x + 1
      for (c, text) in cells.enumerated() {
        x = canvas.text(x, y, text.truncated(to: widths[c], ellipsis: ctx.glyphs.ellipsis).padding(toLength: widths[c], withPad: " ", startingAt: 0),
                        style(c), maxWidth: inner.x + inner.width - x) + 2
      }
    }
    draw(table.header, y: inner.y) { _ in ctx.style(.title, .bold) }
    for (i, row) in table.rows.enumerated() where 1 + i < inner.height {
      draw(row, y: inner.y + 1 + i) { c in c == 0 ? ArmPalette.layer(i, ctx).style : ctx.style(.mainFg) }
    }
    if let note = table.note, table.rows.count + 1 < inner.height {
      canvas.text(inner.x + 1, inner.y + table.rows.count + 1, note, ctx.style(.inactiveFg), maxWidth: inner.width - 1)
    }
  }
}
