/// Draws the comparison view's frames: status line, the loss chart with its legend, the FID chart, the
/// table, the hint line and the help overlay, from the controller as it is.
public enum ComparisonRenderer {
  /// The hints on the bottom line.
  public static let hints = "1-9 arm  m mean/seeds  w smoothing  ? help  q quit"

  /// The frame for a `width × height` terminal.
  public static func render(_ c: ComparisonController, width: Int, height: Int, _ ctx: RenderContext) -> Canvas {
    var canvas = Canvas(width: width, height: height, style: ctx.style(.mainFg))
    let table = ComparisonTable(c.model)
    guard let layout = ComparisonLayout(width: width, height: height,
                                        tableRows: 1 + table.rows.count + (table.note == nil ? 0 : 1)) else {
      TooSmallScreen.render(canvas.bounds, ctx, &canvas)
      if c.view.showsHelp { ComparisonHelp.render(canvas.bounds, ctx, &canvas) }
      return canvas
    }
    let v = c.view
    ComparisonStatusLine.render(c.model, layout.status, ctx, &canvas)

    let loss = ctx.box(&canvas, layout.loss, title: "Loss (ε-MSE)  \(v.modeLabel)  ema \(Format.value(v.weight))")
    let legendRows = ArmLegend.render(c.model.arms, hidden: v.hidden, loss, ctx, &canvas)
    CurvesChart.render(c.model.lossCurves(perSeed: v.perSeed, weight: v.weight, hidden: v.hidden), empty: "waiting for the first step…",
                       Rect(x: loss.x, y: loss.y + legendRows, width: loss.width, height: loss.height - legendRows), ctx, &canvas)

    let fid = ctx.box(&canvas, layout.fid, title: "\(c.model.fidName)  \(v.modeLabel)")
    CurvesChart.render(c.model.fidCurves(perSeed: v.perSeed, hidden: v.hidden), empty: "no evaluation yet", fid, ctx, &canvas)

    ResultsPanel.render(table, title: c.model.plan == nil ? "Runs" : "Results  (results.json)", layout.table, ctx, &canvas)

    canvas.fill(layout.hints, " ", ctx.style(.mainFg))
    let hx = layout.hints.x + max(0, layout.hints.width - hints.count - 1)
    canvas.text(hx, layout.hints.y, hints, ctx.style(.inactiveFg))
    if let msg = c.message {
      canvas.text(layout.hints.x + 1, layout.hints.y, msg.text, ctx.style(msg.isError ? .errorFg : .hiFg, .bold),
                  maxWidth: hx - layout.hints.x - 2)
    }
    if v.showsHelp { ComparisonHelp.render(canvas.bounds, ctx, &canvas) }
    return canvas
  }
}
