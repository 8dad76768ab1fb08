/// Which sample grid is shown: nil follows the newest, otherwise an index into the model's grids.
public struct SamplesView: Sendable, Equatable {
  /// The grid shown (nil: the newest).
  public var index: Int?

  /// A view following the newest grid.
  public init() {}

  /// Moves `by` grids (negative = older); moving past the newest follows the newest again.
  public mutating func scrub(by delta: Int, count: Int) {
    guard count > 0 else { return }
    let i = (index ?? count - 1) + delta
    index = i >= count - 1 ? nil : max(0, i)
  }
}
