import Foundation

/// What charts of values over training steps share.
public enum StepChart {
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
