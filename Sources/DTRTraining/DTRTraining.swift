/// The `DTRTraining` module. See README.md for the floors of the architecture.
public enum DTRTrainingModule {
  /// Module version, reported by `dtr doctor`.
  public static let version = "0.1.0"
}
