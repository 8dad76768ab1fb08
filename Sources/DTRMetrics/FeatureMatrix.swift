import DTREngine

/// An [N, D] matrix of classifier features (or logits) held in float64, row-major.
///
/// Every metric works in float64 (see the protocol notes: float32 storage is fine, float32 statistics
/// are not), so float32 inputs are widened once here.
public struct FeatureMatrix: Sendable {
  /// Number of samples N.
  public let rows: Int
  /// Feature dimension D.
  public let columns: Int
  /// The N·D values, row-major.
  public let values: [Double]

  /// Wraps float64 values laid out row-major as `rows`×`columns`.
  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(rows >= 0 && columns > 0 && values.count == rows * columns,
                 "\(values.count) values for a \(rows)×\(columns) feature matrix")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// Widens float32 values laid out row-major as `rows`×`columns`.
  public init(rows: Int, columns: Int, values: [Float]) {
    self.init(rows: rows, columns: columns, values: values.map(Double.init))
  }

  /// Widens a rank-2 tensor of shape [N, D].
  public init(_ tensor: Tensor) {
    precondition(tensor.shape.count == 2, "features must have shape [N, D], got \(tensor.shape)")
    let count = tensor.count
    self.init(rows: tensor.shape[0], columns: tensor.shape[1],
              values: (0..<count).map { Double(tensor.data[$0]) })
  }

  /// The rows at `indices`, in that order (a KID subset).
  public func selecting(rows indices: [Int]) -> FeatureMatrix {
    var out = [Double]()
    out.reserveCapacity(indices.count * columns)
    for i in indices {
      precondition(i >= 0 && i < rows, "row \(i) out of 0..<\(rows)")
      out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)])
    }
    return FeatureMatrix(rows: indices.count, columns: columns, values: out)
  }

  /// Squared Euclidean norm ‖xᵢ‖² of every row.
  func rowNormsSquared() -> [Double] {
    (0..<rows).map { i in
      var s = 0.0
      for j in (i * columns)..<((i + 1) * columns) { s += values[j] * values[j] }
      return s
    }
  }
}
