import DTRTraining
import Foundation

/// A headless `dtr train` running in the background on a run directory, watched through its
/// `events.jsonl` as any other process would watch it.
final class TrainerProcess {
  /// Why a wait failed: the trainer ended first, or time ran out.
  struct WaitError: Error, CustomStringConvertible {
    let description: String
  }

  let process: Process
  let runDirectory: String
  /// The trainer's stdout and stderr.
  let log: String
  /// How many `run_start`s the log held before this trainer started (its own is the next one).
  let earlierStarts: Int

  /// Starts `dtr train args… --run-dir runDirectory --headless`.
  init(_ args: [String], runDirectory: String) throws {
    self.runDirectory = runDirectory
    log = runDirectory + ".log"
    earlierStarts = Self.events(of: runDirectory).filter { $0.kind == .runStart }.count
    process = try BuiltBinary.start(["train"] + args + ["--run-dir", runDirectory, "--headless"], log: log)
  }

  var pid: Int32 { process.processIdentifier }

  /// The complete lines of the run's `events.jsonl`.
  static func lines(of runDirectory: String) -> [Substring] {
    let text = (try? String(contentsOfFile: RunFolder(runDirectory).events, encoding: .utf8)) ?? ""
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 }
  }

  /// The run's events so far (a line being written is left out).
  static func events(of runDirectory: String) -> [TrainingEvent] { lines(of: runDirectory).compactMap(EventCodec.decode) }

  /// What this trainer has logged: the events from its `run_start` on (none before it wrote one).
  var ownEvents: ArraySlice<TrainingEvent> {
    let events = Self.events(of: runDirectory)
    let starts = events.indices.filter { events[$0].kind == .runStart }
    return starts.count > earlierStarts ? events[starts[earlierStarts]...] : []
  }

  /// Polls the log until `condition` holds for ``ownEvents``; throws when the trainer ends first or
  /// `timeout` seconds pass.
  func waitUntil(_ what: String, timeout: Double = 90, _ condition: (ArraySlice<TrainingEvent>) -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      if condition(ownEvents) { return }
      guard process.isRunning else { throw WaitError(description: "the trainer ended before \(what): \(tail())") }
      guard Date() < deadline else { throw WaitError(description: "no \(what) after \(timeout) s: \(tail())") }
      usleep(5_000)
    }
  }

  /// Sends `signal` and waits for the trainer to end.
  func stop(with signal: Int32) -> (status: Int32, reason: Process.TerminationReason) {
    kill(pid, signal)
    process.waitUntilExit()
    return (process.terminationStatus, process.terminationReason)
  }

  /// Waits for the trainer to end by itself; its exit status.
  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// The last lines the trainer printed.
  func tail() -> String {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").suffix(5).joined(separator: " | ")
  }
}

extension ArraySlice where Element == TrainingEvent {
  /// The `step` events among these.
  var steps: [TrainingEvent] { filter { $0.kind == .step } }
}
