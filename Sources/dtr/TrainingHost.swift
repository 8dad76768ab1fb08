import DTRTraining
import DTRWorkbench
import Foundation

/// Runs a trainer on its own thread and drives either the workbench (a ``RunClient`` of the run, like
/// `dtr attach`) or the headless progress line, turning SIGINT, SIGTERM and SIGHUP (the terminal closed)
/// into "checkpoint, then stop". SIGHUP stays ignored when the process was started under `nohup`.
enum TrainingHost {
  nonisolated(unsafe) static var signalled: Int32 = 0

  /// Blocks until the run ends; returns the trainer's end reason.
  static func run(_ trainer: Trainer, workbench: WorkbenchOptions?,
                  progress: HeadlessProgress? = nil) -> String {
    let box = ReasonBox()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      box.reason = trainer.run()
      done.signal()
    }
    thread.stackSize = 16 << 20
    thread.start()
    if let options = workbench {
      trainer.log.queues = false  // the workbench reads events.jsonl; nobody drains the in-process queue meanwhile
      defer { trainer.log.queues = true }
      do {
        // The workbench installs its own signal handlers (first Ctrl-C: stop with a checkpoint).
        _ = try Workbench.run(session: RunClient(runDirectory: trainer.runDirectory, readOnly: false), options: options)
      } catch {
        writeStderr("workbench unavailable (\(error)); continuing headless\n")
      }
    }
    signal(SIGINT) { _ in TrainingHost.signalled = 1 }
    signal(SIGTERM) { _ in TrainingHost.signalled = 1 }
    SignalHandler.install(SIGHUP) { _ in TrainingHost.signalled = 1 }
    let progress = progress ?? HeadlessProgress(total: trainer.totalSteps)
    var sentStop = false
    while done.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
      if signalled != 0 && !sentStop {
        trainer.requestStop()
        sentStop = true
        progress.note("signal received: writing a checkpoint, then stopping")
      }
      progress.consume(trainer.drainEvents())
    }
    progress.consume(trainer.drainEvents())
    progress.finish()
    return box.reason
  }
}

/// The trainer thread's result, handed to the main thread after the join.
private final class ReasonBox: @unchecked Sendable {
  var reason = ""
}
