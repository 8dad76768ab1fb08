/// The `DTRModels` module. See README.md for the floors of the architecture.
public enum DTRModelsModule {
  /// Module version, reported by `dtr doctor`.
  public static let version = "0.1.0"
}
