import DTRTraining
import Foundation

/// Runs a trainer on its own thread and drives either the workbench or the headless progress line,
/// turning SIGINT/SIGTERM into "checkpoint, then stop".
enum TrainingHost {
  nonisolated(unsafe) static var signalled: Int32 = 0

  /// Blocks until the run ends; returns the trainer's end reason.
  static func run(_ trainer: Trainer, interactive: Bool) throws -> String {
    signal(SIGINT) { _ in TrainingHost.signalled = 1 }
    signal(SIGTERM) { _ in TrainingHost.signalled = 1 }
    var reason = ""
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      reason = trainer.run()
      done.signal()
    }
    thread.stackSize = 16 << 20
    thread.start()
    let progress = HeadlessProgress(total: trainer.totalSteps, stepsPerEpoch: trainer.data.batchesPerEpoch)
    var sentStop = false
    while done.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
      if signalled != 0 && !sentStop {
        trainer.send(.stop)
        sentStop = true
        progress.note("signal received: writing a checkpoint, then stopping")
      }
      progress.consume(trainer.drainEvents())
    }
    progress.consume(trainer.drainEvents())
    progress.finish()
    return reason
  }
}
