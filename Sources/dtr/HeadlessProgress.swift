import DTRTraining
import Foundation

/// The headless face of `dtr train`: a progress line on stderr (redrawn in place on a terminal, one
/// line every 10 s otherwise) plus one line per notable event.
final class HeadlessProgress {
  private let total: Int
  private let tty = isatty(STDERR_FILENO) != 0
  private var lastDraw = Date.distantPast
  private var step = 0, epoch = 0
  private var loss = Double.nan, smoothed = Double.nan, imgPerS = 0.0
  private let started = Date()
  private var startStep: Int?

  init(total: Int) {
    self.total = total
  }

  func consume(_ events: [TrainingEvent]) {
    for e in events {
      switch e.kind {
      case .step:
        step = e.step
        epoch = Int(e.double("epoch") ?? 0)
        loss = e.double("loss") ?? .nan
        smoothed = smoothed.isNaN ? loss : 0.98 * smoothed + 0.02 * loss
        imgPerS = e.double("img_per_s") ?? imgPerS
        if startStep == nil { startStep = e.step - 1 }
      case .epochEnd:
        note(String(format: "epoch %d done: mean loss %.4f in %.0f s", Int(e.double("epoch") ?? 0),
                    e.double("mean_loss") ?? .nan, e.double("seconds") ?? 0))
      case .checkpoint: note("checkpoint \(e.string("path") ?? "") (\(e.string("reason") ?? ""))")
      case .samples: note("samples \(e.string("path") ?? "")")
      case .alert: note("\(e.string("level") ?? "alert"): \(e.string("message") ?? "")")
      case .hparamChange:
        note("\(e.string("name") ?? "?") \(e.double("old") ?? .nan) → \(e.double("new") ?? .nan)")
      case .runStart:
        let c = e.fields["config"]?.objectValue ?? [:]
        note("run \(e.string("run_dir") ?? ""): \(c["preset"]?.stringValue ?? "") routing=\(c["routing"]?.stringValue ?? "") "
          + "α=\(c["alpha"]?.doubleValue ?? 0) β=\(c["beta"]?.doubleValue ?? 0), \(Int(e.double("params") ?? 0)) parameters, "
          + "\(total) steps")
      case .eval:
        note(String(format: "%@ %.2f  KID %.4f ± %.4f  (%@, %.0f s)", e.string("name") ?? "FID", e.double("fid2k") ?? .nan,
                    e.double("kid") ?? .nan, e.double("kid_std") ?? .nan, e.string("evaluator") ?? "?",
                    e.double("seconds") ?? 0))
      case .runEnd: note("run ended: \(e.string("reason") ?? "")")
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
    if tty { FileHandle.standardError.write("\r\u{1B}[2K".data(using: .utf8)!) }
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
  }

  private func draw() {
    guard step > 0 else { return }
    let doneSteps = step - (startStep ?? 0)
    let elapsed = Date().timeIntervalSince(started)
    let eta = doneSteps > 0 ? elapsed / Double(doneSteps) * Double(total - step) : 0
    let width = 24, filled = total > 0 ? min(width, width * step / total) : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line = String(format: "%@ epoch %d step %d/%d loss %.4f (avg %.4f) %.0f img/s ETA %@", bar, epoch, step, total,
                      loss, smoothed, imgPerS, Self.duration(eta))
    FileHandle.standardError.write(((tty ? "\r\u{1B}[2K" : "") + line + (tty ? "" : "\n")).data(using: .utf8)!)
  }

  func finish() {
    draw()
    if tty { FileHandle.standardError.write("\n".data(using: .utf8)!) }
  }

  static func duration(_ s: Double) -> String {
    guard s.isFinite else { return "?" }
    let t = Int(s)
    return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
  }
}
