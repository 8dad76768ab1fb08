import DTRTraining
import Foundation

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
        controller.fit(width: w, height: h)
        term.draw(renderer.render(controller, width: w, height: h, ctx))
        dirty = false
        keyPressed = false
        lastFrame = now()
      }
    }
  }
}
