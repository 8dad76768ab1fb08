import DTRFormats

/// Cached float64 feature statistics (μ as `mean` [D], Σ as `covariance` [D, D]) in a safetensors file,
/// tied to the feature network's weights they were computed with by the metadata key `weights_sha256`.
public enum StatisticsFile {
  /// Writes `statistics` with `metadata` (which should name the tag and the weights' SHA-256) to `path`.
  public static func write(_ statistics: FeatureStatistics, metadata: [String: String], to path: String) throws {
    var file = SafeTensorsFile(metadata: metadata.merging(["count": "\(statistics.count)"]) { _, count in count })
    file.add("mean", statistics.mean, shape: [statistics.dimension])
    file.add("covariance", statistics.covariance, shape: [statistics.dimension, statistics.dimension])
    try file.write(to: path)
  }

  /// Reads statistics from `path`, which must have been computed with the weights whose SHA-256 is
  /// `weightsSHA256`. Throws ``MetricError`` (a file that cannot be read, other weights, bad shapes).
  public static func read(from path: String, weightsSHA256: String) throws -> FeatureStatistics {
    do {
      let file = try SafeTensorsFile.read(from: path)
      guard file.metadata["weights_sha256"] == weightsSHA256 else {
        throw MetricError("\(path) was computed with other evaluator weights (weights_sha256 "
          + "\(file.metadata["weights_sha256"] ?? "missing"))")
      }
      guard let count = file.metadata["count"].flatMap(Int.init) else {
        throw MetricError("\(path): no sample count in the metadata")
      }
      let mean = try file.values("mean", as: Double.self)
      let covariance = try file.values("covariance", as: Double.self)
      guard count >= 2, !mean.isEmpty, covariance.count == mean.count * mean.count else {
        throw MetricError("\(path): inconsistent statistics shapes")
      }
      return FeatureStatistics(count: count, mean: mean, covariance: covariance)
    } catch let error as FormatError {
      throw MetricError("\(error)")
    }
  }
}
