/// How the task-affinity panel is viewed: which matrix it shows and the cursor's bucket pair.
public struct AffinityView: Sendable, Equatable {
  /// Cursor: row bucket i and column bucket j.
  public var i = 0, j = 0
  /// Whether the lookahead matrix is shown (else the gradient cosine).
  public var lookahead = false

  /// Cosine, cursor on (0, 0).
  public init() {}

  /// Moves the cursor by `di` rows and `dj` columns, clamped to a `buckets × buckets` matrix.
  public mutating func move(di: Int, dj: Int, buckets: Int) {
    i = min(max(i + di, 0), max(buckets - 1, 0))
    j = min(max(j + dj, 0), max(buckets - 1, 0))
  }

  /// This view with its cursor inside a `buckets × buckets` matrix (the controller stores it before each
  /// frame; the panel draws with it).
  public func fitted(buckets: Int) -> AffinityView {
    var v = self
    v.move(di: 0, dj: 0, buckets: buckets)
    return v
  }
}
