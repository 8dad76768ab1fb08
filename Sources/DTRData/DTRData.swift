/// The `DTRData` module. See README.md for the floors of the architecture.
public enum DTRDataModule {
  /// Module version, reported by `dtr doctor`.
  public static let version = "0.1.0"
}
