import DTRTraining
import Foundation

/// The headless face of `dtr train`: a progress line on stderr (redrawn in place on a terminal, one
/// line every 10 s otherwise) plus one line per notable event.
final class HeadlessProgress {
  private let total: Int
  /// Printed before the bar (e.g. `cell 3/9 routing=dtr s1`).
  private let label: String
  /// Steps still to train after this run (the rest of an experiment grid), for a second ETA.
  private let laterSteps: Int
  private let tty = isatty(STDERR_FILENO) != 0
  private var lastDraw = Date.distantPast
  private var step = 0, epoch = 0
  private var loss = Double.nan, smoothed = Double.nan, imgPerS = 0.0
  private let started = Date()
  private var startStep: Int?

  init(total: Int, label: String = "", laterSteps: Int = 0) {
    self.total = total
    self.label = label
    self.laterSteps = laterSteps
  }

  func consume(_ events: [TrainingEvent]) {
    for e in events {
      switch e.payload {
      case .step(let m):
        step = e.step
        epoch = m.epoch
        loss = m.loss ?? .nan
        smoothed = smoothed.isNaN ? loss : 0.98 * smoothed + 0.02 * loss
        imgPerS = m.imgPerS ?? imgPerS
        if startStep == nil { startStep = e.step - 1 }
      case .epochEnd(let end):
        note(String(format: "epoch %d done: mean loss %.4f in %.0f s", end.epoch, end.meanLoss ?? .nan, end.seconds ?? 0))
      case .checkpoint(let c): note("checkpoint \(c.path) (\(c.reason))")
      case .samples(let s): note("samples \(s.path)")
      case .alert(let a): note("\(a.level): \(a.message)")
      case .hparamChange(let c):
        note("\(c.name.rawValue) \(c.old.map { "\($0)" } ?? "?") → \(c.new) (\(c.source)) from epoch \(c.epoch)")
      case .hparamStaged(let s): note("staged \(s.name.rawValue) → \(s.new) from epoch \(s.epoch)")
      case .hparamUnstaged(let u): note("unstaged \(u.name.rawValue) (\(u.reason))")
      case .command(let a) where a.status == .rejected: note("command \(a.cmd) rejected: \(a.reason ?? "")")
      case .pause(let p): note("paused at \(p.at) (resume: dtr attach, then p)")
      case .resume: note("resumed")
      case .runStart(let s):
        let c = s.config, m = c.model
        note("run \(s.runDir): \(c.preset) routing=\(m.routing.rawValue) α=\(m.alpha) β=\(m.beta), \(s.params) parameters, "
          + "\(total) steps" + (s.resumed ? ", resumed at step \(e.step)" : ""))
      case .eval(let r):
        // A captions run's evaluation (crop FID) has caption and class accuracy instead of KID.
        let second = r.captionAccuracy.map { String(format: "caption accuracy %.3f  class accuracy %.3f", $0, r.classAccuracy ?? .nan) }
          ?? String(format: "KID %.4f ± %.4f", r.kid ?? .nan, r.kidStd ?? .nan)
        note(String(format: "%@ %.2f  %@  (%@, %.0f s)", r.name, r.fid2k ?? .nan, second, r.evaluator ?? "?", r.seconds ?? 0))
      case .runEnd(let end): note("run ended: \(end.reason)")
      default: break
      }
    }
    let now = Date()
    if now.timeIntervalSince(lastDraw) >= (tty ? 0.2 : 10) {
      lastDraw = now
      draw()
    }
  }

  /// Prints a message on its own line.
  func note(_ s: String) {
    if tty { writeStderr("\r\u{1B}[2K") }
    writeStderr(s + "\n")
  }

  private func draw() {
    guard step > 0 else { return }
    let doneSteps = step - (startStep ?? 0)
    let elapsed = Date().timeIntervalSince(started)
    let perStep = doneSteps > 0 ? elapsed / Double(doneSteps) : 0
    let eta = perStep * Double(total - step)
    let width = 24, filled = total > 0 ? min(width, width * step / total) : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    var line = String(format: "%@%@ epoch %d step %d/%d loss %.4f (avg %.4f) %.0f img/s ETA %@", label.isEmpty ? "" : label + " ",
                      bar, epoch, step, total, loss, smoothed, imgPerS, Self.duration(eta))
    if laterSteps > 0 { line += " (grid " + Self.duration(eta + perStep * Double(laterSteps)) + ")" }
    writeStderr((tty ? "\r\u{1B}[2K" : "") + line + (tty ? "" : "\n"))
  }

  func finish() {
    draw()
    if tty { writeStderr("\n") }
  }

  static func duration(_ s: Double) -> String {
    guard s.isFinite else { return "?" }
    let t = Int(s)
    return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
  }
}
