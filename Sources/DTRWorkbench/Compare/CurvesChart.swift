/// A chart of comparison curves, each in its arm's colour: y labels on the left, the first and last step
/// under it, and a line saying what is missing while there is nothing to draw.
public enum CurvesChart {
  /// Draws `curves` into `r` (inside a panel's box); `empty` is shown when there are none.
  public static func render(_ curves: [ComparisonCurve], empty: String, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let axis = ctx.style(.inactiveFg)
    let points = curves.flatMap(\.points).filter { $0.value.isFinite }
    guard let first = points.map(\.step).min(), let last = points.map(\.step).max() else {
      canvas.text(r.x + 1, r.y, empty, axis, maxWidth: r.width - 1)
      return
    }
    let labelWidth = LossPanel.labelWidth
    let plot = Rect(x: r.x + labelWidth, y: r.y, width: r.width - labelWidth, height: r.height - 1)
    guard plot.width >= 4, plot.height >= 2 else { return }
    let values = points.map(\.value)
    let range = AutoScale().fitted(lo: values.min()!, hi: values.max()!).range!
    var chart = StepChart(plot: plot, steps: first...max(last, first + 1), range: range)
    for c in curves { chart.line(through: c.points, layer: c.arm) }
    let layers = (0...(curves.map(\.arm).max() ?? 0)).map { ArmPalette.layer($0, ctx) }
    chart.draw(into: &canvas, layers: layers, glyphs: ArmPalette.chartGlyphs(ctx))
    StepChart.drawAxes(into: &canvas, plot: plot, range: range, logY: false, labelWidth: labelWidth, firstStep: Int(first),
                       right: "step \(Format.count(Int(last.rounded())))", style: axis)
  }
}
