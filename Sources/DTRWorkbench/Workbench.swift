import DTRTraining
import Foundation

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

/// How the workbench ended.
public enum WorkbenchExit: Equatable, Sendable {
  /// The user left; the run was read-only, had already ended, or the user left during the stop wait.
  case quit
  /// The user quit while training: the trainer was stopped and confirmed with `run_end` (its reason).
  case stopped(reason: String)
  /// The user quit while training, but no `run_end` arrived within the stop timeout.
  case stopTimedOut
  /// SIGINT or SIGTERM ended the UI (after asking the trainer to stop, when it could be steered).
  case interrupted(signal: Int32)
}

/// The terminal workbench: draws a training session live and sends the user's steering commands.
public enum Workbench {
  /// Runs the UI on the calling (main) thread until the user quits. The trainer runs elsewhere (another
  /// thread or another process): the UI only reads events and sends commands through the run directory,
  /// so nothing here can stop training except an explicit stop.
  /// Throws ``TerminalError`` when there is no usable terminal; the terminal is restored on every exit.
  public static func run(session: TrainingSession, options: WorkbenchOptions = WorkbenchOptions()) throws -> WorkbenchExit {
    let library = ThemeLibrary(directory: options.themesDirectory ?? ThemeLibrary.searchDirectory())
    let (theme, problem) = library.load(options.theme)
    let signals = SignalTrap()
    defer { signals.restore() }
    let term = try Terminal(ascii: options.ascii, noColor: ProcessInfo.processInfo.environment["NO_COLOR"])
    defer { term.end() }

    var ctx = RenderContext(theme: theme, glyphs: term.glyphs, color: term.depth != .monochrome)
    term.setBackground(ctx.style(.mainFg))
    var controller = WorkbenchController(model: WorkbenchModel(runDirectory: session.runDirectory),
                                         readOnly: session.isReadOnly || options.readOnly, detaches: options.detaches)
    if let p = problem { controller.message = (p, true) }
    let renderer = FrameRenderer()
    let frame = 1 / min(max(options.maxFramesPerSecond, 1), 30)
    let keyWait = Int32(min(50, frame * 1000))
    // Data-driven redraws are rate-limited; a key press redraws at once (answers stay well under 100 ms).
    var dirty = true, keyPressed = false, lastFrame = 0.0
    var stopDeadline: Double?, interrupted: Int32?, readingHistory = false

    func now() -> Double { Date().timeIntervalSince1970 }
    /// Carries out effects; returns the exit when one of them leaves.
    func perform(_ effects: [Effect]) -> WorkbenchExit? {
      for effect in effects {
        switch effect {
        case .send(let command):
          if let id = session.send(command) { controller.model.awaitAnswer(id, to: command) }
        case .cycleTheme:
          let names = library.names
          let next = names[((names.firstIndex(of: ctx.theme.name) ?? -1) + 1) % names.count]
          let (t, p) = library.load(next)
          ctx.theme = t
          term.setBackground(ctx.style(.mainFg))
          controller.message = (p ?? "theme: \(t.name)", p != nil)
          term.invalidate()
        case .redraw:
          term.invalidate()
        case .leaveAfterStop:
          stopDeadline = now() + options.stopTimeout
        case .leave:
          return interrupted.map { .interrupted(signal: $0) } ?? .quit
        }
      }
      return nil
    }

    while true {
      if let s = signals.take() {
        if s == SIGCONT {
          term.invalidate()
        } else if controller.leaving || !controller.canSteer || options.detaches {
          return .interrupted(signal: s)
        } else {
          interrupted = s
          if let exit = perform(controller.stopAndLeave()) { return exit }
        }
        dirty = true
      }
      // While a long log's history comes in, chunk by chunk, keys are polled without waiting.
      if let key = term.readKey(timeout: readingHistory ? 0 : keyWait) {
        dirty = true
        keyPressed = true
        if let exit = perform(controller.handle(key)) { return exit }
      }
      let events = session.drainEvents()
      if !events.isEmpty {
        for e in events { controller.model.apply(e) }
        dirty = true
      }
      let older = session.drainHistory()
      if let older {
        controller.model.applyHistory(older)
        dirty = true
      }
      readingHistory = older.map { !$0.isComplete } ?? false
      if let deadline = stopDeadline {
        if controller.model.hasEnded || now() > deadline {
          if let s = interrupted { return .interrupted(signal: s) }
          return controller.model.hasEnded ? .stopped(reason: controller.model.endReason ?? "stopped") : .stopTimedOut
        }
      }
      if dirty && (keyPressed || now() - lastFrame >= frame) {
        let (w, h) = term.size
        term.draw(renderer.render(&controller, width: w, height: h, ctx))
        dirty = false
        keyPressed = false
        lastFrame = now()
      }
    }
  }
}
