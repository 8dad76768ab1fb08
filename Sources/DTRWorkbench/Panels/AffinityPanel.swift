import Foundation

/// The task-affinity panel (issue #14): the latest `affinity` event's K×K matrix, gradient cosine or
/// lookahead affinity (`m` toggles), as a diverging heatmap (bucket i down, j across; conflict in one
/// colour, affinity in the other) with its scale, the value at the cursor, and the mean affinity of
/// adjacent against distant buckets over the run's measurements: beside the heatmap where the screen is
/// wide enough (120×40), else under it (80×24).
public enum AffinityPanel {
  /// Columns reserved for the row labels (each row bucket's first timestep).
  static let labelWidth = 6
  /// Rows the trend line needs at least under the heatmap, and columns beside it.
  static let trendRows = 3, trendColumns = 30

  /// Draws the panel into `r`.
  public static func render(_ model: WorkbenchModel, _ view: AffinityView, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    let matrix = view.lookahead ? "lookahead" : "cosine"
    guard let a = model.affinity, a.buckets > 0 else {
      let inner = ctx.box(&canvas, r, title: "Task affinity  \(matrix)")
      canvas.text(inner.x + 1, inner.y, "no affinity measurement yet (dtr train --affinity-every-steps N)",
                  ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    let view = view.fitted(buckets: a.buckets)
    let m = view.lookahead ? a.lookahead : a.cosine, K = a.buckets
    let step = model.affinityTrend.last.map { "  step \(Format.count($0.step))" } ?? ""
    let inner = ctx.box(&canvas, r, title: "Task affinity  \(matrix)  K=\(K)\(step)"
      + String(format: "  conflict %.0f%%  (m: %@)", 100 * a.conflictRate, view.lookahead ? "cosine" : "lookahead"))
    // Cosine is on a fixed ±1 scale; lookahead on its largest magnitude.
    let scale = view.lookahead ? max(m.joined().filter(\.isFinite).map(abs).max() ?? 0, 1e-12) : 1
    let cellW = max(1, min(6, (inner.width - labelWidth) / K))
    let heatWidth = labelWidth + K * cellW, beside = inner.width - heatWidth - 2 >= trendColumns
    // Cells 6×3 are about square; under the heatmap the trend line needs its rows.
    let cellH = max(1, beside ? min(3, (inner.height - 3) / K) : min(2, (inner.height - 3 - trendRows) / K))
    let top = inner.y + 1, left = inner.x + labelWidth
    let bottom = min(top + K * cellH, inner.y + inner.height - 2)
    let dim = ctx.style(.inactiveFg)

    canvas.text(inner.x, inner.y, "t", dim)
    for j in 0..<K where cellW >= 4 || j % max(1, 5 / cellW) == 0 {
      canvas.text(left + j * cellW, inner.y, String(a.edges[j]), dim, maxWidth: max(cellW - 1, 3))
    }
    for i in 0..<K where top + i * cellH < bottom {
      canvas.text(inner.x, top + i * cellH, String(a.edges[i]).leftPadded(to: labelWidth - 1), dim)
      for j in 0..<K {
        let cell = self.cell(m[i][j] / scale, ctx)
        for y in 0..<cellH where top + i * cellH + y < bottom {
          for x in 0..<cellW { canvas.put(left + j * cellW + x, top + i * cellH + y, cell.char, cell.style) }
        }
      }
    }
    let cursor = Style(fg: ctx.theme[.selectedFg], bg: ctx.theme[.selectedBg], attrs: [.bold])
    canvas.put(left + view.j * cellW + cellW / 2, min(top + view.i * cellH + cellH / 2, bottom - 1), "+", cursor)

    // Legend, readout.
    let ly = bottom
    let bound = view.lookahead ? Format.value(scale) : "1"
    var x = canvas.text(inner.x, ly, "conflict -\(bound) ", dim)
    for c in 0..<9 {
      let cell = self.cell(Double(c - 4) / 4, ctx)
      canvas.put(x + c, ly, cell.char, cell.style)
    }
    x = canvas.text(x + 9, ly, " +\(bound) affinity", dim)
    canvas.text(x + 2, ly, "rows i, columns j: buckets from t", dim, maxWidth: inner.x + inner.width - x - 2)
    func range(_ k: Int) -> String { "t \(a.edges[k])-\(a.edges[k + 1] - 1)" }
    let readout = "i=\(view.i) (\(range(view.i)))  j=\(view.j) (\(range(view.j)))  \(matrix) "
      + String(format: "%+.4g", m[view.i][view.j])
    canvas.text(inner.x, ly + 1, readout, ctx.style(.hiFg), maxWidth: inner.width)
    let trend = beside ? Rect(x: inner.x + heatWidth + 2, y: inner.y, width: inner.width - heatWidth - 2, height: bottom - inner.y)
      : Rect(x: inner.x, y: ly + 2, width: inner.width, height: inner.y + inner.height - ly - 2)
    drawTrend(model.affinityTrend, lookahead: view.lookahead, buckets: K, trend, ctx, &canvas)
  }

  /// The heatmap cell for `v` (−1…1): a full block in the diverging colour, or without colour the sign's
  /// glyph ramp.
  static func cell(_ v: Double, _ ctx: RenderContext) -> Cell {
    ctx.color ? Cell(ctx.glyphs.barFull, Style(fg: ctx.theme.diverging(v), bg: ctx.theme[.mainBg]))
      : Cell(ctx.glyphs.diverging(v), ctx.style(.mainFg))
  }

  /// Adjacent (distance 1) against distant (distance ≥ K/2) mean affinity over steps: two caption rows with
  /// the latest values, then a braille chart (needs the captions and a chart row).
  static func drawTrend(_ trend: [WorkbenchModel.AffinityPoint], lookahead: Bool, buckets: Int, _ r: Rect,
                        _ ctx: RenderContext, _ canvas: inout Canvas) {
    guard r.height >= 3, let last = trend.last else { return }
    func series(_ p: WorkbenchModel.AffinityPoint) -> (Double, Double) {
      lookahead ? (p.adjacentLookahead, p.distantLookahead) : (p.adjacentCosine, p.distantCosine)
    }
    let near = ctx.style(.lossFg, .bold), far = ctx.style(.markerFg, .bold)
    let (adj, dist) = series(last)
    canvas.text(r.x, r.y, "mean adjacent (|i-j|=1) " + String(format: "%+.3g", adj), near, maxWidth: r.width)
    canvas.text(r.x, r.y + 1, "mean distant (|i-j|>=\(max(2, buckets / 2))) " + String(format: "%+.3g", dist), far,
                maxWidth: r.width)
    let labelWidth = 9
    let points = trend.map { p in (p.step, series(p)) }
    let values = points.flatMap { [$0.1.0, $0.1.1] }.filter(\.isFinite)
    guard let lo = values.min(), let hi = values.max(), r.width > labelWidth + 4 else { return }
    let chartRect = Rect(x: r.x + labelWidth, y: r.y + 2, width: r.width - labelWidth, height: r.height - 2)
    var chart = BrailleChart(cols: chartRect.width, rows: chartRect.height)
    let s0 = Double(points.first!.0), s1 = Double(max(points.last!.0, points.first!.0 + 1))
    func px(_ s: Int) -> Int { BrailleChart.dot((Double(s) - s0) / (s1 - s0), of: chart.pixelsWide) }
    func py(_ v: Double) -> Int { BrailleChart.dot(hi > lo ? (hi - v) / (hi - lo) : 0.5, of: chart.pixelsHigh) }
    for layer in 0..<2 {
      let ys = points.map { (px($0.0), layer == 0 ? $0.1.0 : $0.1.1) }.filter { $0.1.isFinite }
      for p in ys { chart.dot(p.0, py(p.1), layer: layer) }
      for (a, b) in zip(ys, ys.dropFirst()) { chart.line(a.0, py(a.1), b.0, py(b.1), layer: layer) }
    }
    chart.draw(into: &canvas, x: chartRect.x, y: chartRect.y, layers: [.init(style: near, ascii: "a"), .init(style: far, ascii: "d")],
               glyphs: ctx.glyphs)
    canvas.text(r.x, chartRect.y, Format.value(hi).leftPadded(to: labelWidth - 1), ctx.style(.inactiveFg))
    canvas.text(r.x, chartRect.y + chartRect.height - 1, Format.value(lo).leftPadded(to: labelWidth - 1), ctx.style(.inactiveFg))
  }
}
