/// One arm of a comparison: an experiment's arm over its seeds, or one run named on the command line.
public struct ComparisonArm: Sendable, Equatable {
  /// The arm's name (`routing=dtr`, or the run's folder).
  public let name: String
  /// Its cells (indices into ``ComparisonModel/cells``), in seed order.
  public let cells: [Int]
}
