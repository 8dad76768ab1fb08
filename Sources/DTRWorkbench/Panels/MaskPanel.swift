import DTRModels

/// The routing masks as a `[T, C]` heatmap: timesteps down, channels across, each pixel the fraction of
/// active cells it covers, with a legend and an exact readout at the cursor.
public enum MaskPanel {
  /// Draws the panel into `r`.
  public static func render(_ source: MaskSource?, _ view: inout MaskView, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    guard let src = source, !src.tables.isEmpty else {
      let inner = ctx.box(&canvas, r, title: "Routing masks")
      canvas.text(inner.x + 1, inner.y, "waiting for the run's config…", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    view.block = min(max(view.block, 0), max(min(src.browsable, src.tables.count, src.blocks.count), 1) - 1)
    let table = src.tables[view.block]
    let g = ctx.glyphs
    var title = "Routing masks  \(src.kind.rawValue) \(g.symbol("alpha"))=\(Format.value(src.alpha))"
      + " \(g.symbol("beta"))=\(Format.value(src.beta))"
    if src.browsable > 1 && view.block < src.blocks.count {
      title += "  block \(view.block + 1)/\(src.browsable) \(src.blocks[view.block].name) C=\(table.channels)"
    }
    if src.isPreview { title += "  PREVIEW" }
    let inner = ctx.box(&canvas, r, title: title, focused: src.isPreview)
    let area = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 2)
    guard area.width > 0, area.height > 0 else { return }

    let T = table.timesteps, C = table.channels
    let pw = min(C, area.width), ph = min(T, area.height * 2)
    view.colsPerPixel = max(1, (C + pw - 1) / pw)
    view.rowsPerPixel = max(1, (T + ph - 1) / ph)
    view.t = min(max(view.t, 0), T - 1)
    view.c = min(max(view.c, 0), C - 1)
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
