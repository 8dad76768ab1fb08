/// How the workbench runs.
public struct WorkbenchOptions: Sendable {
  /// Theme name (looked up in the themes folder) or path to a `.theme` file.
  public var theme: String
  /// Themes folder; nil searches `$DTR_THEMES_DIR`, `./themes` and beside the executable.
  public var themesDirectory: String?
  /// Most frames per second (frames are drawn only when something changed).
  public var maxFramesPerSecond: Double
  /// true: ASCII glyphs only; false: Unicode; nil: Unicode when the locale is UTF-8.
  public var ascii: Bool?
  /// Disables steering even when the session accepts commands.
  public var readOnly: Bool
  /// Seconds to wait for the trainer's `run_end` after asking it to stop on quit.
  public var stopTimeout: Double
  /// Whether `q`, Ctrl-C and SIGTERM leave the run going (`dtr attach`) instead of stopping it.
  public var detaches: Bool

  /// Options; the defaults are the default theme, 4 data-driven frames per second (keys redraw at once), automatic glyphs, steering on, 60 s stop wait.
  public init(theme: String = "default", themesDirectory: String? = nil, maxFramesPerSecond: Double = 4,
              ascii: Bool? = nil, readOnly: Bool = false, stopTimeout: Double = 60, detaches: Bool = false) {
    self.detaches = detaches
    self.theme = theme
    self.themesDirectory = themesDirectory
    self.maxFramesPerSecond = maxFramesPerSecond
    self.ascii = ascii
    self.readOnly = readOnly
    self.stopTimeout = stopTimeout
  }
}
