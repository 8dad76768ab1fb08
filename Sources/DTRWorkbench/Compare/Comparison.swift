import DTRTraining
import Foundation

/// The comparison view: an experiment's arms, or several runs, side by side in the terminal, followed
/// live and read-only (`dtr watch experiments/NAME`, `dtr watch RUN_A RUN_B …`).
public enum Comparison {
  /// Runs the view on the calling (main) thread until the user quits. It only reads the cells' run
  /// directories (events, locks, `results.json`), so nothing here can change a run.
  /// Throws ``TerminalError`` when there is
  /// no usable terminal; the terminal is restored on every exit.
  public static func run(_ model: ComparisonModel, options: WorkbenchOptions = WorkbenchOptions()) throws
    -> WorkbenchExit {
    let feed = ComparisonFeed(model)
    let screen = try Screen(options: options)
    defer { screen.end() }
    var controller = ComparisonController(model: model)
    if let p = screen.themeProblem { controller.message = (p, true) }
    while true {
      if let s = screen.signals.take() {
        guard s == SIGCONT else { return .interrupted(signal: s) }
        screen.terminal.invalidate()
        screen.setNeedsFrame()
      }
      if let key = screen.readKey() {
        for effect in controller.handle(key) {
          switch effect {
          case .cycleTheme: controller.message = screen.cycleTheme()
          case .redraw: screen.terminal.invalidate()
          case .leave: return .quit
          case .send, .leaveAfterStop: break  // never asked for: the view does not steer
          }
        }
      }
      if feed.poll(into: &controller.model) { screen.setNeedsFrame() }
      screen.drawIfDue { w, h in ComparisonRenderer.render(controller, width: w, height: h, screen.context) }
    }
  }
}
