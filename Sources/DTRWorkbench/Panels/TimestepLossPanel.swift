import Foundation

/// The per-timestep loss heatmap: one row per timestep bucket (small t at the top), time across, colour
/// the bucket's mean loss on a log scale, either over the whole map or per bucket (`c` toggles).
public enum TimestepLossPanel {
  /// Columns reserved for the t labels.
  static let labelWidth = 6

  /// Draws the panel into `r`; `perBucket` normalises each row on its own.
  public static func render(_ model: WorkbenchModel, perBucket: Bool, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    let rows = model.bucketRows
    let buckets = rows.map(\.losses.count).max() ?? 0
    // ANT-UW runs: the range of the learned interval weights ½e^{−s_k} (docs/events.md, `uw_log_var`).
    let uw = model.uwLogVariance.map { s in s.map { 0.5 * exp(-$0) } }
    let inner = ctx.box(&canvas, r, title: "Per-timestep loss" + (buckets > 0 ? "  \(buckets) buckets" : "")
      + (perBucket ? "  per-bucket scale" : "  log scale")
      + (uw.map { String(format: "  ANT-UW w %.2f–%.2f", $0.min() ?? 0, $0.max() ?? 0) } ?? ""))
    guard buckets > 0 else {
      canvas.text(inner.x + 1, inner.y, "no bucket_loss yet", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    let area = Rect(x: inner.x + labelWidth, y: inner.y, width: inner.width - labelWidth, height: inner.height - 1)
    guard area.width > 0, area.height > 0 else { return }
    let pw = min(rows.count, area.width), ph = area.height * 2

    // Mean log-loss per (pixel column, bucket).
    var grid = [[Double?]](repeating: [Double?](repeating: nil, count: buckets), count: pw)
    for x in 0..<pw {
      let span = (x * rows.count / pw)..<max((x + 1) * rows.count / pw, x * rows.count / pw + 1)
      for b in 0..<buckets {
        let vs = span.compactMap { b < rows[$0].losses.count ? rows[$0].losses[b] : nil }.filter { $0 > 0 && $0.isFinite }
        if !vs.isEmpty { grid[x][b] = log(vs.reduce(0, +) / Double(vs.count)) }
      }
    }
    func bounds(_ vs: [Double]) -> (Double, Double) { (vs.min() ?? 0, vs.max() ?? 1) }
    let global = bounds(grid.flatMap { $0.compactMap { $0 } })
    let rowBounds = (0..<buckets).map { b in bounds(grid.compactMap { $0[b] }) }
    ctx.paintPixels(&canvas, area, pixelsWide: pw, pixelsHigh: ph, colorOf: { ctx.theme.heat($0) }) { x, y in
      let b = min(y * buckets / ph, buckets - 1)
      guard let v = grid[x][b] else { return nil }
      let (lo, hi) = perBucket ? rowBounds[b] : global
      return hi > lo ? (v - lo) / (hi - lo) : 0.5
    }
    let axis = ctx.style(.inactiveFg)
    let T = model.config?.timesteps
    canvas.text(inner.x, area.y, "t 0", axis)
    canvas.text(inner.x, area.y + area.height - 1, T.map { "t \($0 - 1)" } ?? "t max", axis, maxWidth: labelWidth)
    let ly = inner.y + inner.height - 1
    let lo = perBucket ? "low" : Format.value(exp(global.0)), hi = perBucket ? "high" : Format.value(exp(global.1))
    var x = canvas.text(area.x, ly, lo + " ", axis)
    x = ctx.heatLegend(&canvas, x: x, y: ly, cells: 6)
    x = canvas.text(x, ly, " " + hi, axis)
    let steps = "step \(Format.count(rows.first!.step))–\(Format.count(rows.last!.step))"
    if inner.x + inner.width - steps.count > x + 1 { canvas.text(inner.x + inner.width - steps.count, ly, steps, axis) }
  }
}
