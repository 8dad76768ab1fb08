import Foundation

/// The terminal as the workbench's screens use it (the run workbench and the comparison view): the theme
/// (loaded from the library, cycled by `t`), the signal trap, key input, and frames drawn only when
/// something changed, at most `maxFramesPerSecond` times a second unless a key asks for one at once.
final class Screen {
  /// Caught signals (installed before ncurses starts, so ncurses leaves SIGINT/SIGTERM to us).
  let signals: SignalTrap
  /// The terminal.
  let terminal: Terminal
  /// Theme, glyphs and colour for drawing.
  private(set) var context: RenderContext
  /// Why the requested theme could not be used (the built-in one is), if it could not.
  let themeProblem: String?
  private let library: ThemeLibrary
  private let frameSeconds: Double
  private var dirty = true, keyPressed = false, lastFrame = 0.0

  /// Takes over the terminal; throws ``TerminalError`` when there is none. Call ``end()`` on every exit.
  init(options: WorkbenchOptions) throws {
    library = ThemeLibrary(directory: options.themesDirectory ?? ThemeLibrary.searchDirectory())
    let (theme, problem) = library.load(options.theme)
    themeProblem = problem
    signals = SignalTrap()
    terminal = try Terminal(ascii: options.ascii, noColor: ProcessInfo.processInfo.environment["NO_COLOR"])
    context = RenderContext(theme: theme, glyphs: terminal.glyphs, color: terminal.depth != .monochrome)
    terminal.setBackground(context.style(.mainFg))
    frameSeconds = 1 / min(max(options.maxFramesPerSecond, 1), 30)
  }

  /// Restores the terminal, then the previous signal handlers.
  func end() {
    terminal.end()
    signals.restore()
  }

  /// Waits briefly for a key (well under 100 ms); a key makes the next frame due at once.
  func readKey(wait: Bool = true) -> Key? {
    guard let key = terminal.readKey(timeout: wait ? Int32(min(50, frameSeconds * 1000)) : 0) else { return nil }
    dirty = true
    keyPressed = true
    return key
  }

  /// Marks the screen as changed: a frame is drawn when the rate allows.
  func setNeedsFrame() { dirty = true }

  /// Switches to the next theme in the library; returns the message to show.
  func cycleTheme() -> (text: String, isError: Bool) {
    let names = library.names
    let next = names[((names.firstIndex(of: context.theme.name) ?? -1) + 1) % names.count]
    let (t, p) = library.load(next)
    context.theme = t
    terminal.setBackground(context.style(.mainFg))
    terminal.invalidate()
    return (p ?? "theme: \(t.name)", p != nil)
  }

  /// Draws the frame `make(width, height)` when the screen changed and a frame is due.
  func drawIfDue(_ make: (_ width: Int, _ height: Int) -> Canvas) {
    let now = Date().timeIntervalSince1970
    guard dirty && (keyPressed || now - lastFrame >= frameSeconds) else { return }
    let (w, h) = terminal.size
    terminal.draw(make(w, h))
    dirty = false
    keyPressed = false
    lastFrame = now
  }
}
