/// How the comparison is shown: which arms are hidden, mean or per-seed curves, the loss smoothing, and
/// whether the help is open.
public struct ComparisonView: Sendable, Equatable {
  /// Arms not drawn (indices into ``ComparisonModel/arms``).
  public var hidden: Set<Int> = []
  /// One curve per seed instead of each arm's mean over seeds.
  public var perSeed = false
  /// Index into ``Smoothing/weights``.
  public var weightIndex = 2
  /// Whether the key help covers the view.
  public var showsHelp = false

  /// A view of every arm's mean, smoothed with EMA weight 0.9.
  public init() {}

  /// The smoothing weight in use.
  public var weight: Double { Smoothing.weights[weightIndex % Smoothing.weights.count] }

  /// What the curves are, as titles and the hint line say it.
  public var modeLabel: String { perSeed ? "per seed" : "mean over seeds" }
}
