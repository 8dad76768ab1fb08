/// One curve of a comparison chart: an arm's mean over its seeds, or one seed of it.
public struct ComparisonCurve: Sendable, Equatable {
  /// The arm it belongs to (its colour), and what the curve is (`routing=dtr`, `routing=dtr s1`).
  public var arm: Int, label: String
  /// The points, in step order.
  public var points: [StepChart.Point]
}
