import Foundation

/// How the loss chart is shown: smoothing weight, log y, time window, and its y scale (kept between frames).
public struct LossView: Sendable, Equatable {
  /// Index into ``Smoothing/weights``.
  public var weightIndex = 1
  /// Log-scaled y axis.
  public var logY = false
  /// Steps shown (the latest ones); nil shows the whole run.
  public var window: Int?
  /// The y scale; reset when the y mode changes.
  public var scale = AutoScale()

  /// A default view (EMA 0.6, linear, whole run).
  public init() {}

  /// The smoothing weight in use.
  public var weight: Double { Smoothing.weights[weightIndex % Smoothing.weights.count] }

  /// The smallest window `z` zooms to.
  public static let minimumWindow = 50

  /// Halves the window (zoom in on the latest steps).
  public mutating func zoomIn(totalSteps: Int) {
    window = max(Self.minimumWindow, (window ?? max(totalSteps, Self.minimumWindow * 2)) / 2)
    scale = AutoScale()
  }

  /// Doubles the window; past the whole run it shows everything.
  public mutating func zoomOut(totalSteps: Int) {
    guard let w = window else { return }
    window = w * 2 >= totalSteps ? nil : w * 2
    scale = AutoScale()
  }
}

/// The loss chart: raw loss faint behind its TensorBoard-smoothed curve, y labels, a best-so-far guide,
/// and labelled markers where α, β or lr changed. It draws from the model's ``LossHistory``: where steps
/// are merged, the faint layer is their min–max band.
public enum LossPanel {
  /// Chart layers, bottom to top.
  static let rawLayer = 0, guideLayer = 1, smoothLayer = 2
  /// Columns reserved for y labels.
  public static let labelWidth = 8

  /// The steps in view (from index `start`, step `firstStep`), whether y is logarithmic (log y needs
  /// positive values; linear otherwise), and `view.scale` fitted to their losses. The controller stores
  /// the scale between frames (so it shrinks only with hysteresis); a frame draws with it. Nil before
  /// the first loss.
  static func window(_ model: WorkbenchModel, _ view: LossView)
    -> (start: Int, firstStep: Int, logY: Bool, scale: AutoScale)? {
    let points = model.lossHistory.points
    guard let lastStep = points.last?.lastStep else { return nil }
    let firstShown = view.window.map { lastStep - $0 } ?? points[0].firstStep
    let start = points.firstIndex { $0.lastStep >= firstShown } ?? 0
    var lo = Double.infinity, hi = -Double.infinity
    for p in points[start...] where p.min.isFinite && p.max.isFinite {
      lo = min(lo, p.min)
      hi = max(hi, p.max)
    }
    if lo > hi { (lo, hi) = (0, 1) }
    let logY = view.logY && lo > 0
    return (start, firstShown, logY, view.scale.fitted(lo: logY ? log10(lo) : lo, hi: logY ? log10(hi) : hi))
  }

  /// Draws the panel into `r`.
  public static func render(_ model: WorkbenchModel, _ view: LossView, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    var title = "Loss  ema \(Format.value(view.weight))"
    if view.logY { title += "  log" }
    if let w = view.window { title += "  last \(Format.count(w)) steps" }
    if let l = model.lossHistory.latest { title += "  now \(Format.value(l))" }
    if let p = model.historyProgress { title += "  reading history \(Int(p * 100))%" }
    let inner = ctx.box(&canvas, r, title: title)
    let points = model.lossHistory.points
    guard let lastStep = points.last?.lastStep else {
      canvas.text(inner.x + 1, inner.y, "waiting for the first step…", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    let plot = Rect(x: inner.x + labelWidth, y: inner.y, width: inner.width - labelWidth, height: inner.height - 1)
    guard plot.width >= 4, plot.height >= 2 else { return }

    let smooth = Smoothing.ema(points.map(\.mean), counts: points.map(\.count), weight: view.weight)
    let (start, firstShown, logY, scale) = window(model, view)!
    let x0 = Double(firstShown), x1 = Double(max(lastStep, firstShown + 1))
    func ty(_ v: Double) -> Double { logY ? log10(v) : v }
    let range = scale.range!

    var chart = BrailleChart(cols: plot.width, rows: plot.height)
    func px(_ step: Int) -> Int { BrailleChart.dot((Double(step) - x0) / (x1 - x0), of: chart.pixelsWide) }
    func py(_ v: Double) -> Int {
      BrailleChart.dot(1 - (ty(v) - range.lowerBound) / (range.upperBound - range.lowerBound), of: chart.pixelsHigh)
    }

    // Aggregate per dot column: raw first/last/min/max and the mean of the smoothed values. A merged
    // point sits at its middle step.
    var columns: [(x: Int, first: Double, last: Double, lo: Double, hi: Double, sum: Double, n: Int)] = []
    for i in start..<points.count where points[i].mean.isFinite && smooth[i].isFinite {
      let p = points[i], x = px(max(firstShown, (p.firstStep + p.lastStep) / 2))
      if let c = columns.last, c.x == x {
        columns[columns.count - 1] = (x, c.first, p.last, min(c.lo, p.min), max(c.hi, p.max), c.sum + smooth[i], c.n + 1)
      } else {
        columns.append((x, p.first, p.last, p.min, p.max, smooth[i], 1))
      }
    }
    for (k, c) in columns.enumerated() {
      chart.line(c.x, py(c.lo), c.x, py(c.hi), layer: rawLayer)
      if k > 0 {
        let p = columns[k - 1]
        chart.line(p.x, py(p.last), c.x, py(c.first), layer: rawLayer)
        chart.line(p.x, py(p.sum / Double(p.n)), c.x, py(c.sum / Double(c.n)), layer: smoothLayer)
      } else {
        chart.dot(c.x, py(c.sum / Double(c.n)), layer: smoothLayer)
      }
    }
    let best = smooth.lazy.filter(\.isFinite).min()
    if let b = best, !logY || b > 0 {
      let y = py(b)
      for x in stride(from: 0, to: chart.pixelsWide, by: 3) { chart.dot(x, y, layer: guideLayer) }
    }

    // Markers first, so the curves draw over them.
    for change in model.changes where Double(change.step) >= x0 {
      let cx = plot.x + px(change.step) / 2
      for y in plot.y..<(plot.y + plot.height) { canvas.put(cx, y, ctx.glyphs.markerLine, ctx.style(.markerFg)) }
      canvas.text(cx, plot.y, ctx.glyphs.symbol(change.name.rawValue), ctx.style(.markerFg, .bold))
    }
    let raw = ctx.color ? ctx.style(.rawFg) : ctx.style(.rawFg, .dim)
    chart.draw(into: &canvas, x: plot.x, y: plot.y, layers: [
      .init(style: raw, ascii: "."), .init(style: ctx.style(.bestFg), ascii: "-"),
      .init(style: ctx.style(.lossFg, .bold), ascii: "*"),
    ], glyphs: ctx.glyphs)

    // Axes: y labels at top, middle and bottom; first and last step under the plot.
    var right = "step \(Format.count(lastStep))"
    if let b = best { right = "best \(Format.value(b))  " + right }
    StepChart.drawAxes(into: &canvas, plot: plot, range: range, logY: logY, labelWidth: labelWidth, firstStep: Int(x0), right: right,
                       style: ctx.style(.inactiveFg))
  }
}
