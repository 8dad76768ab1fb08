import DTRTraining
import Foundation

/// The terminal workbench: draws a training session live and sends the user's steering commands.
public enum Workbench {
  /// Runs the UI on the calling (main) thread until the user quits. The trainer runs elsewhere (another
  /// thread or another process): the UI only reads events and sends commands through the run directory,
  /// so nothing here can stop training except an explicit stop.
  /// Throws ``TerminalError`` when there is no usable terminal; the terminal is restored on every exit.
  public static func run(session: TrainingSession, options: WorkbenchOptions = WorkbenchOptions()) throws -> WorkbenchExit {
    let screen = try Screen(options: options)
    defer { screen.end() }
    var controller = WorkbenchController(model: WorkbenchModel(runDirectory: session.runDirectory),
                                         readOnly: session.isReadOnly || options.readOnly, detaches: options.detaches)
    if let p = screen.themeProblem { controller.message = (p, true) }
    let renderer = FrameRenderer()
    var stopDeadline: Double?, interrupted: Int32?, readingHistory = false

    func now() -> Double { Date().timeIntervalSince1970 }
    /// Carries out effects; returns the exit when one of them leaves.
    func perform(_ effects: [Effect]) -> WorkbenchExit? {
      for effect in effects {
        switch effect {
        case .send(let command):
          if let id = session.send(command) { controller.model.awaitAnswer(id, to: command) }
        case .cycleTheme:
          controller.message = screen.cycleTheme()
        case .redraw:
          screen.terminal.invalidate()
        case .leaveAfterStop:
          stopDeadline = now() + options.stopTimeout
        case .leave:
          return interrupted.map { .interrupted(signal: $0) } ?? .quit
        }
      }
      return nil
    }

    while true {
      if let s = screen.signals.take() {
        if s == SIGCONT {
          screen.terminal.invalidate()
        } else if controller.leaving || !controller.canSteer || options.detaches {
          return .interrupted(signal: s)
        } else {
          interrupted = s
          if let exit = perform(controller.stopAndLeave()) { return exit }
        }
        screen.setNeedsFrame()
      }
      // While a long log's history comes in, chunk by chunk, keys are polled without waiting.
      if let key = screen.readKey(wait: !readingHistory) {
        if let exit = perform(controller.handle(key)) { return exit }
      }
      let events = session.drainEvents()
      if !events.isEmpty {
        for e in events { controller.model.apply(e) }
        screen.setNeedsFrame()
      }
      let older = session.drainHistory()
      if let older {
        controller.model.applyHistory(older)
        screen.setNeedsFrame()
      }
      readingHistory = older.map { !$0.isComplete } ?? false
      if let deadline = stopDeadline {
        if controller.model.hasEnded || now() > deadline {
          if let s = interrupted { return .interrupted(signal: s) }
          return controller.model.hasEnded ? .stopped(reason: controller.model.endReason ?? "stopped") : .stopTimedOut
        }
      }
      // Data-driven frames are rate-limited; a key press redraws at once (answers stay well under 100 ms).
      screen.drawIfDue { w, h in
        controller.fit(width: w, height: h)
        return renderer.render(controller, width: w, height: h, screen.context)
      }
    }
  }
}
