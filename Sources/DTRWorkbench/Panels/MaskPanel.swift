/// The routing masks as a `[T, C]` heatmap: timesteps down, channels across, each pixel the fraction of
/// active cells it covers, with a legend and an exact readout at the cursor.
public enum MaskPanel {
  /// Where the heatmap goes in a panel drawn into `r`: inside the box, above the legend and readout rows.
  public static func heatmapArea(_ r: Rect) -> Rect {
    let inner = r.inset(1)
    return Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 2)
  }

  /// Draws the panel into `r`.
  public static func render(_ source: MaskSource?, _ view: MaskView, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    guard let src = source, !src.tables.isEmpty else {
      let inner = ctx.box(&canvas, r, title: "Routing masks")
      canvas.text(inner.x + 1, inner.y, "waiting for the run's config…", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    let view = view.fitted(blocks: src.blocks, browsable: min(src.browsable, src.tables.count),
                           timesteps: src.tables[0].timesteps, area: heatmapArea(r))
    let table = src.tables[view.block]
    let g = ctx.glyphs
    var title = "Routing masks  \(src.kind.rawValue) \(g.symbol("alpha"))=\(Format.value(src.alpha))"
      + " \(g.symbol("beta"))=\(Format.value(src.beta))"
    if src.browsable > 1 && view.block < src.blocks.count {
      title += "  block \(view.block + 1)/\(src.browsable) \(src.blocks[view.block].name) C=\(table.channels)"
    }
    if src.isPreview { title += "  PREVIEW" }
    let inner = ctx.box(&canvas, r, title: title, focused: src.isPreview)
    let area = heatmapArea(r)
    guard area.width > 0, area.height > 0 else { return }

    let T = table.timesteps, C = table.channels
    let (pw, ph) = MaskView.pixels(timesteps: T, channels: C, in: area)
    func span(_ i: Int, _ n: Int, _ total: Int) -> Range<Int> { (i * total / n)..<max((i + 1) * total / n, i * total / n + 1) }
    ctx.paintPixels(&canvas, area, pixelsWide: pw, pixelsHigh: ph, colorOf: { ctx.theme.heat($0) }) { x, y in
      let rows = span(y, ph, T), cols = span(x, pw, C)
      var on = 0
      for t in rows { for c in cols where table.isActive(t: t, c: c) { on += 1 } }
      return Double(on) / Double(rows.count * cols.count)
    }

    // Cursor: the cell holding (t, c).
    let cx = area.x + view.c * pw / C, cy = area.y + (view.t * ph / T) / 2
    canvas.put(cx, cy, "+", Style(fg: ctx.theme[.selectedFg], bg: ctx.theme[.selectedBg], attrs: [.bold]))

    // Legend and readout.
    let ly = inner.y + inner.height - 2
    var x = canvas.text(inner.x, ly, "off ", ctx.style(.inactiveFg))
    x = ctx.heatLegend(&canvas, x: x, y: ly, cells: 8)
    x = canvas.text(x, ly, " on", ctx.style(.inactiveFg))
    canvas.text(x + 2, ly, "\(T)\(g.unicode ? "×" : "x")\(C), \(table.width) on per row", ctx.style(.inactiveFg), maxWidth: inner.x + inner.width - x - 2)
    var readout = "t=\(view.t) c=\(view.c) \(table.isActive(t: view.t, c: view.c) ? "on" : "off")"
    if let s = table.starts?[view.t] { readout += "  window c \(s)..<\(s + table.width)" }
    canvas.text(inner.x, ly + 1, readout, ctx.style(.hiFg), maxWidth: inner.width)
  }
}
