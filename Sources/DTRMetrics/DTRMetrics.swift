/// The `DTRMetrics` module. See README.md for the floors of the architecture.
public enum DTRMetricsModule {
  /// Module version, reported by `dtr doctor`.
  public static let version = "0.1.0"
}
