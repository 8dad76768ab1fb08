import Foundation

/// A braille chart of values over training steps: the plot's cells, the steps and y range it spans (y in
/// log10 units when `logY`), the mapping from (step, value) to dots, lines through points and the y labels
/// beside it. Lines through many points cost one vertex per dot column, so a long series draws as fast
/// as a short one.
public struct StepChart: Sendable {
  /// A value at a step.
  public struct Point: Sendable, Equatable {
    /// The step (a mean of steps for a downsampled series) and the value.
    public var step: Double, value: Double
    /// A point.
    public init(step: Double, value: Double) { (self.step, self.value) = (step, value) }
  }

  /// The cells plotted into.
  public let plot: Rect
  /// First and last step shown (left and right edge).
  public let steps: ClosedRange<Double>
  /// The y range, bottom to top, in log10 units when ``logY``.
  public let range: ClosedRange<Double>
  /// Whether y is logarithmic.
  public let logY: Bool
  /// The dots drawn so far.
  public private(set) var dots: BrailleChart

  /// An empty chart over `plot`.
  public init(plot: Rect, steps: ClosedRange<Double>, range: ClosedRange<Double>, logY: Bool = false) {
    (self.plot, self.steps, self.range, self.logY) = (plot, steps, range, logY)
    dots = BrailleChart(cols: plot.width, rows: plot.height)
  }

  /// The dot column of `step`.
  public func px(_ step: Double) -> Int {
    BrailleChart.dot(steps.upperBound > steps.lowerBound ? (step - steps.lowerBound) / (steps.upperBound - steps.lowerBound) : 0.5,
                     of: dots.pixelsWide)
  }

  /// The dot row of `value` (0 at the top).
  public func py(_ value: Double) -> Int {
    let v = logY ? log10(value) : value
    return BrailleChart.dot(1 - (v - range.lowerBound) / (range.upperBound - range.lowerBound), of: dots.pixelsHigh)
  }

  /// A line through `points` (in step order) in `layer`: one vertex per dot column at the mean of the
  /// points that fall in it. Non-finite values (and non-positive ones on a log axis) are left out.
  public mutating func line(through points: [Point], layer: Int) {
    var columns: [(x: Int, sum: Double, n: Int)] = []
    for p in points where p.value.isFinite && (!logY || p.value > 0) {
      let x = px(p.step)
      if let c = columns.last, c.x == x {
        columns[columns.count - 1] = (x, c.sum + p.value, c.n + 1)
      } else {
        columns.append((x, p.value, 1))
      }
    }
    let vertices = columns.map { (x: $0.x, y: py($0.sum / Double($0.n))) }
    if let only = vertices.first, vertices.count == 1 { dots.dot(only.x, only.y, layer: layer) }
    for (a, b) in zip(vertices, vertices.dropFirst()) { dots.line(a.x, a.y, b.x, b.y, layer: layer) }
  }

  /// Copies the dots into `canvas` at ``plot``.
  public func draw(into canvas: inout Canvas, layers: [BrailleChart.Layer], glyphs: Glyphs) {
    dots.draw(into: &canvas, x: plot.x, y: plot.y, layers: layers, glyphs: glyphs)
  }

  /// The axes of a plot: y labels (top, middle and bottom of `range`, shown as values: 10^v on a log
  /// axis) right-aligned in the `labelWidth` columns left of it; under it `firstStep` on the left and
  /// `right` (the last step, and whatever goes with it) on the right.
  public static func drawAxes(into canvas: inout Canvas, plot: Rect, range: ClosedRange<Double>, logY: Bool, labelWidth: Int,
                              firstStep: Int, right: String, style: Style) {
    func label(_ f: Double) -> String {
      let v = range.lowerBound + f * (range.upperBound - range.lowerBound)
      return Format.value(logY ? pow(10, v) : v)
    }
    for (row, f) in [(plot.y, 1.0), (plot.y + (plot.height - 1) / 2, 0.5), (plot.y + plot.height - 1, 0.0)] {
      canvas.text(plot.x - labelWidth, row, label(f).truncated(to: labelWidth - 1).leftPadded(to: labelWidth - 1), style)
    }
    canvas.text(plot.x, plot.y + plot.height, Format.count(firstStep), style)
    canvas.text(plot.x + plot.width - right.count, plot.y + plot.height, right, style)
  }
}
