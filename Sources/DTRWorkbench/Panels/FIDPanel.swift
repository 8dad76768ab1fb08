/// The FID panel: last and best FID-2k and KID with their steps, a progress bar while an evaluation runs,
/// and a small chart of FID over steps.
public enum FIDPanel {
  /// Draws the panel into `r`.
  public static func render(_ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let latest = model.evaluations.last
    // Name bf16 sampling (`dtr train --eval-precision`), whose FID-2k may differ from fp32's in the noise.
    let evaluator = (latest?.evaluator.map { "  \($0)" } ?? "") + (latest?.precision == "bf16" ? " · bf16" : "")
    let inner = ctx.box(&canvas, r, title: "FID" + evaluator)
    var y = inner.y
    let w = inner.width
    let text = ctx.style(.mainFg), dim = ctx.style(.inactiveFg)
    if model.evaluations.isEmpty && model.evalProgress == nil {
      canvas.text(inner.x + 1, y, "no evaluator yet", dim, maxWidth: w - 1)
      canvas.text(inner.x + 1, y + 1, "FID-2k and KID appear after the first evaluation", dim, maxWidth: w - 1)
    }
    if let last = model.evaluations.last {
      canvas.text(inner.x, y, "last  FID-2k \(last.fid.map(Format.value) ?? "?")  @ step \(Format.count(last.step))",
                  text, maxWidth: w)
      y += 1
      if let best = model.bestEvaluation, let f = best.fid {
        canvas.text(inner.x, y, "best \(ctx.glyphs.star) FID-2k \(Format.value(f))  @ step \(Format.count(best.step))",
                    ctx.style(.bestFg, .bold), maxWidth: w)
        y += 1
      }
      if let kid = last.kid {
        canvas.text(inner.x, y, "KID   \(Format.value(kid))" + (last.kidStd.map { " ± \(Format.value($0))" } ?? ""),
                    text, maxWidth: w)
        y += 1
      }
    }
    if let p = model.evalProgress {
      let label = "evaluating \(p.phase) \(p.done)/\(p.total) "
      let x = canvas.text(inner.x, y, label, ctx.style(.warnFg, .bold), maxWidth: w)
      let bx = x - inner.x < w - 4 ? x : inner.x
      if bx == inner.x { y += 1 }
      ctx.bar(&canvas, x: bx, y: y, width: inner.x + w - bx, fraction: p.total > 0 ? Double(p.done) / Double(p.total) : 0,
              .warnFg)
      y += 1
    }
    drawHistory(model, Rect(x: inner.x, y: y, width: w, height: inner.y + inner.height - y), ctx, &canvas)
  }

  /// FID over steps as a braille chart with min/max labels (needs two evaluations and two rows).
  static func drawHistory(_ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let points = model.evaluations.compactMap { e in e.fid.map { (e.step, $0) } }.filter { $0.1.isFinite }
    let labelWidth = 7
    guard points.count >= 2, r.height >= 2, r.width > labelWidth + 4 else { return }
    let lo = points.map(\.1).min()!, hi = points.map(\.1).max()!
    let s0 = Double(points.first!.0), s1 = Double(max(points.last!.0, points.first!.0 + 1))
    var chart = BrailleChart(cols: r.width - labelWidth, rows: r.height)
    func px(_ s: Int) -> Int { BrailleChart.dot((Double(s) - s0) / (s1 - s0), of: chart.pixelsWide) }
    func py(_ v: Double) -> Int { BrailleChart.dot(hi > lo ? (hi - v) / (hi - lo) : 0.5, of: chart.pixelsHigh) }
    for (a, b) in zip(points, points.dropFirst()) { chart.line(px(a.0), py(a.1), px(b.0), py(b.1), layer: 0) }
    chart.draw(into: &canvas, x: r.x + labelWidth, y: r.y,
               layers: [.init(style: ctx.style(.fidFg, .bold), ascii: "*")], glyphs: ctx.glyphs)
    canvas.text(r.x, r.y, Format.value(hi).leftPadded(to: labelWidth - 1), ctx.style(.inactiveFg))
    canvas.text(r.x, r.y + r.height - 1, Format.value(lo).leftPadded(to: labelWidth - 1), ctx.style(.inactiveFg))
  }
}
