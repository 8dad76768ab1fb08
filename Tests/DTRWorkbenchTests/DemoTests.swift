import DTRTraining
import DTRWorkbench
import Foundation
import XCTest

/// Runs the real workbench against a simulated trainer when `DTR_WORKBENCH_DEMO` names a run folder
/// (for trying the UI in a terminal: `DTR_WORKBENCH_DEMO=/tmp/demo .build/debug/DTRWorkbenchPackageTests.xctest
/// DTRWorkbenchTests.DemoTests`). Skipped otherwise.
final class DemoTests: XCTestCase {
  /// `DTR_WORKBENCH_WATCH=RUN_DIR`: the read-only view of a run folder, as `dtr watch` shows it.
  func testWatchDemo() throws {
    guard let dir = ProcessInfo.processInfo.environment["DTR_WORKBENCH_WATCH"] else {
      throw XCTSkip("set DTR_WORKBENCH_WATCH=RUN_DIR to watch a run folder")
    }
    print("workbench exit: \(try Workbench.run(session: EventLogFollower(runDirectory: dir)))")
  }

  func testInteractiveDemo() throws {
    guard let dir = ProcessInfo.processInfo.environment["DTR_WORKBENCH_DEMO"] else {
      throw XCTSkip("set DTR_WORKBENCH_DEMO=RUN_DIR to run the interactive demo")
    }
    let session = ScriptedSession(runDirectory: dir)
    let trainer = SimulatedTrainer(session: session)
    Thread { trainer.run() }.start()
    let exit = try Workbench.run(session: session, options: WorkbenchOptions(
      theme: ProcessInfo.processInfo.environment["DTR_THEME"] ?? "default", stopTimeout: 5))
    print("workbench exit: \(exit)")
  }
}

/// A pretend trainer: emits plausible events on a clock and obeys the workbench's commands.
final class SimulatedTrainer: @unchecked Sendable {
  let session: ScriptedSession
  init(session: ScriptedSession) { self.session = session }

  func run() {
    var step = 0, epoch = 1, seen = 0
    var alpha = 4.0, beta = 0.8, lr = 1e-4
    var staged: [Hyperparameter: Double] = [:]
    var paused = false, pauseAtEnd = false
    let perEpoch = 200
    func emit(_ k: TrainingEvent.Kind, _ f: [String: JSONValue] = [:]) { session.push([TrainingEvent(k, step: step, f)]) }
    emit(.runStart, ["resumed": .bool(false), "config": .object([
      "hidden": .number(128), "depth": .number(6), "timesteps": .number(1000), "routing": .string("dtr"),
      "alpha": .number(alpha), "beta": .number(beta), "seed": .number(0), "lr": .number(lr), "batch": .number(128),
      "preset": .string("demo"), "epochs": .number(20), "steps_per_epoch": .number(Double(perEpoch)),
    ])])
    while true {
      let commands = session.sentCommands
      for c in commands.dropFirst(seen) {
        switch c {
        case .pauseAtEpochEnd: pauseAtEnd = true
        case .pauseNow: paused = true; pauseAtEnd = false; emit(.pause, ["at": .string("step")])
        case .resume: paused = false; emit(.resume)
        case .stage(let h, let v):
          if paused {
            let old = h == .alpha ? alpha : h == .beta ? beta : lr
            if h == .alpha { alpha = v } else if h == .beta { beta = v } else { lr = v }
            emit(.hparamChange, ["name": .string(h.rawValue), "old": .number(old), "new": .number(v),
                                 "source": .string("workbench"), "epoch": .number(Double(epoch))])
          } else {
            staged[h] = v
            emit(.hparamStaged, ["name": .string(h.rawValue), "new": .number(v), "epoch": .number(Double(epoch + 1))])
          }
        case .unstage(let h): staged[h] = nil
        case .saveCheckpoint: emit(.checkpoint, ["path": .string("ckpt-\(step).safetensors"), "reason": .string("manual")])
        case .stop:
          Thread.sleep(forTimeInterval: 0.5)
          emit(.checkpoint, ["path": .string("ckpt-\(step).safetensors"), "reason": .string("stop")])
          emit(.runEnd, ["reason": .string("stopped"), "epoch": .number(Double(epoch))])
          return
        }
      }
      seen = commands.count
      Thread.sleep(forTimeInterval: 0.05)
      if paused { continue }
      step += 1
      let t = Double(step)
      let loss = 0.06 + 0.9 * exp(-t / 400) + Double.random(in: -0.02...0.02) * (1 + 0.5 * sin(t / 30))
      let buckets: [JSONValue] = (0..<10).map { b in
        .number((0.02 + 0.5 * exp(-Double(b) / 2)) * (0.4 + exp(-t / 500)) * Double.random(in: 0.9...1.1))
      }
      emit(.step, ["epoch": .number(Double(epoch)), "loss": .number(loss), "lr": .number(lr), "grad_norm": .number(1),
                   "img_per_s": .number(Double.random(in: 700...800)), "bucket_loss": .array(buckets)])
      if step % perEpoch == 0 {
        emit(.epochEnd, ["epoch": .number(Double(epoch)), "mean_loss": .number(loss), "seconds": .number(10)])
        for (h, v) in staged.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
          let old = h == .alpha ? alpha : h == .beta ? beta : lr
          if h == .alpha { alpha = v } else if h == .beta { beta = v } else { lr = v }
          emit(.hparamChange, ["name": .string(h.rawValue), "old": .number(old), "new": .number(v),
                               "source": .string("workbench"), "epoch": .number(Double(epoch + 1))])
        }
        staged = [:]
        if epoch % 2 == 0 {
          for d in stride(from: 0, through: 100, by: 25) {
            emit(.evalProgress, ["done": .number(Double(d)), "total": .number(100), "phase": .string("sampling")])
            Thread.sleep(forTimeInterval: 0.3)
          }
          emit(.eval, ["fid2k": .number(80 / Double(epoch) + 20), "kid": .number(0.05 / Double(epoch)),
                       "kid_std": .number(0.002), "evaluator": .string("demo"), "seconds": .number(1.5)])
          emit(.samples, ["path": .string("samples_\((epoch / 2 - 1) % 3).png"), "rows": .number(10), "cols": .number(10)])
        }
        epoch += 1
        if pauseAtEnd { paused = true; pauseAtEnd = false; emit(.pause, ["at": .string("epoch")]) }
      }
    }
  }
}
