import DTRFormats

/// Feature matrices from `.npy` files, and the full metrics on them (what `dtr metrics` runs).
public enum FeatureFiles {
  /// Reads a rank-2 float32 or float64 `.npy` array `[N, D]` as a ``FeatureMatrix``.
  public static func read(_ path: String) throws -> FeatureMatrix {
    let array: RawTensor
    do { array = try NpyFile.read(from: path) } catch { throw MetricError("\(error)") }
    guard array.shape.count == 2, array.shape[1] > 0 else {
      throw MetricError("\(path): features must have shape (N, D), got \(array.shape)")
    }
    let (rows, columns) = (array.shape[0], array.shape[1])
    if let values = array.values(as: Double.self) { return FeatureMatrix(rows: rows, columns: columns, values: values) }
    if let values = array.values(as: Float.self) { return FeatureMatrix(rows: rows, columns: columns, values: values) }
    throw MetricError("\(path): features must be float32 or float64, got \(array.elementType)")
  }

  /// FID, KID, precision/recall and (with `generatedLogits`) IS of the generated features against the
  /// real ones, each read from a `.npy` file, tagged `evaluatorTag`.
  public static func report(realFeatures: String, generatedFeatures: String, generatedLogits: String? = nil,
                            evaluatorTag: String) throws -> MetricReport {
    let real = try read(realFeatures), generated = try read(generatedFeatures)
    guard real.columns == generated.columns else {
      throw MetricError("\(generatedFeatures) has \(generated.columns) feature columns, \(realFeatures) has \(real.columns)")
    }
    return try MetricSuite.report(real: real, generated: generated, generatedLogits: try generatedLogits.map(read),
                                  evaluatorTag: evaluatorTag)
  }
}
