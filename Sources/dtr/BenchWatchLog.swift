import ArgumentParser
import DTRTraining
import DTRWorkbench
import Foundation

/// `dtr bench watch-log`: how fast a long run opens in the workbench (`dtr watch`, `dtr attach`, the
/// workbench of `dtr train --resume`), and in how much memory.
struct BenchWatchLog: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch-log",
    abstract: "Open a long run's events.jsonl as dtr watch does: time to the first frame, to the whole history, peak RSS.",
    discussion: """
      Generates a run of --steps steps (one step event per step, as the trainer logs them) unless --run-dir \
      names one, then reads it with the workbench's reader and model and draws 160×48 frames without a \
      terminal. The first frame shows the newest records; the history is read behind it in chunks \
      (dtr watch waits for keys between chunks, so there it takes a little longer).
      """)

  @Option(help: "Steps of the generated run.") var steps = 400_000
  @Option(help: "Open this run directory instead of generating one.") var runDir: String?
  @Option(help: "Write the generated run here and keep it (to try dtr watch on it).") var keep: String?
  @Flag(help: "One JSON object.") var json = false

  func run() throws {
    let dir = runDir ?? keep ?? NSTemporaryDirectory() + "dtr-bench-watch-\(getpid())"
    var generated: (seconds: Double, bytes: Int)?
    if runDir == nil {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      let t0 = Date()
      let bytes = try SyntheticRunLog.write(steps: steps, to: RunFolder(dir).events)
      generated = (Date().timeIntervalSince(t0), bytes)
    }
    defer { if runDir == nil && keep == nil { try? FileManager.default.removeItem(atPath: dir) } }
    guard RunFolder(dir).holdsRun else { throw CLIError("\(dir)/events.jsonl not found; pass a run directory") }

    let resetPeak = resetPeakRSS()
    let baseline = peakRSSMiB()
    let t0 = Date()
    let client = RunClient(runDirectory: dir, readOnly: true)
    var controller = WorkbenchController(model: WorkbenchModel(runDirectory: dir), readOnly: true, detaches: true)
    let renderer = FrameRenderer()
    let ctx = RenderContext()
    for e in client.drainEvents() { controller.model.apply(e) }
    controller.fit(width: 160, height: 48)
    _ = renderer.render(controller, width: 160, height: 48, ctx)
    let firstFrame = Date().timeIntervalSince(t0)
    var chunks = 0
    while let chunk = client.drainHistory() {
      controller.model.applyHistory(chunk)
      chunks += 1
    }
    controller.fit(width: 160, height: 48)
    _ = renderer.render(controller, width: 160, height: 48, ctx)
    let whole = Date().timeIntervalSince(t0)
    let peak = peakRSSMiB()
    let history = controller.model.lossHistory
    let obj: [String: Any] = [
      "steps_logged": history.stepCount, "log_mib": Double(fileSize(RunFolder(dir).events)) / 1_048_576,
      "first_frame_s": firstFrame, "whole_history_s": whole, "history_chunks": chunks,
      "peak_rss_mib": peak, "rss_before_open_mib": baseline, "peak_reset": resetPeak,
      "loss_points": history.pointCount, "loss_levels": history.levelCount,
      "generate_s": generated?.seconds ?? 0,
    ]
    if json {
      let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
      print(String(decoding: d, as: UTF8.self))
      return
    }
    if let g = generated {
      print(String(format: "generated %d steps (%.0f MiB) in %.1f s: %@", steps, Double(g.bytes) / 1_048_576, g.seconds, dir))
    }
    print(String(format: "first frame %.3f s, whole history %.2f s (%d chunks), %d steps in %d loss points",
                 firstFrame, whole, chunks, history.stepCount, history.pointCount))
    print(String(format: "peak RSS %.0f MiB (%.0f MiB before opening%@)", peak, baseline,
                 resetPeak ? "" : "; includes generating: /proc/self/clear_refs was not writable"))
  }

  private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
  }
}

/// Resets this process's peak RSS (VmHWM) to its current RSS; false when the kernel refuses.
func resetPeakRSS() -> Bool {
  FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs")
    && (try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))) != nil
}
