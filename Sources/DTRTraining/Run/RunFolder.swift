import Foundation

/// The files of one run directory and the rules for them, in one place: names, checkpoint rotation and
/// the `last`/`best` links (see docs/events.md and docs/control.md).
///
///     RUN/config.json          the configuration the run started with
///     RUN/events.jsonl         events out (appended by the trainer, followed by any reader)
///     RUN/control.jsonl        commands in (appended by any process, polled by the trainer)
///     RUN/lock                 the trainer's exclusive claim (pid, host, start time)
///     RUN/ckpt-<step>.safetensors, last.safetensors, best.safetensors (hard links to checkpoints)
///     RUN/samples-<step>.png   sample grids
public struct RunFolder: Sendable, Equatable {
  /// The directory.
  public let path: String

  /// The run directory at `path`.
  public init(_ path: String) { self.path = path }

  /// `runs/<preset>-<routing>-<UTC time>` for a run started now.
  public static func defaultPath(preset: String, routing: String, now: Date = Date()) -> String {
    let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
    return "runs/\(preset)-\(routing)-\(stamp)"
  }

  /// `RUN/events.jsonl`.
  public var events: String { path + "/events.jsonl" }
  /// `RUN/control.jsonl`.
  public var control: String { path + "/control.jsonl" }
  /// `RUN/config.json`.
  public var config: String { path + "/config.json" }
  /// `RUN/last.safetensors`: the newest checkpoint.
  public var last: String { path + "/last.safetensors" }
  /// `RUN/best.safetensors`: the checkpoint at the end of the epoch with the lowest mean loss.
  public var best: String { path + "/best.safetensors" }
  /// Whether a run was ever started here.
  public var holdsRun: Bool { FileManager.default.fileExists(atPath: events) }

  /// `RUN/ckpt-<step, 8 digits>.safetensors`.
  public func checkpoint(step: Int) -> String { path + String(format: "/ckpt-%08d.safetensors", step) }
  /// `RUN/samples-<step, 8 digits>.png`.
  public func sampleGrid(step: Int) -> String { path + String(format: "/samples-%08d.png", step) }

  /// Points `last` (and `best` when asked) at a checkpoint just written, each by an atomic rename of a
  /// fresh hard link, so a reader or a kill never finds the link missing.
  public func publish(checkpoint: String, asBest: Bool) throws {
    for link in asBest ? [last, best] : [last] {
      let temporary = link + ".tmp-\(getpid())"
      try? FileManager.default.removeItem(atPath: temporary)
      try FileManager.default.linkItem(atPath: checkpoint, toPath: temporary)
      guard rename(temporary, link) == 0 else {
        throw TrainingError("cannot replace \(link): \(String(cString: strerror(errno)))")
      }
    }
  }

  /// Deletes all but the newest `keep` (at least 1) `ckpt-*` files; `last` and `best` keep their data
  /// through their own links.
  public func pruneCheckpoints(keep: Int) {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: path) else { return }
    let checkpoints = names.filter { $0.hasPrefix("ckpt-") && $0.hasSuffix(".safetensors") }.sorted()
    for old in checkpoints.dropLast(max(1, keep)) { try? fm.removeItem(atPath: path + "/" + old) }
  }
}
