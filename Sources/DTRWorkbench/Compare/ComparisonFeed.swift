import DTRTraining
import Foundation

/// Brings a comparison up to date from disk, read-only: each cell's new events through its own
/// ``RunClient`` (read-only, so nothing is ever sent), which cells a trainer holds now (their run locks),
/// and the experiment's `results.json` when it was rewritten. Events are read at most 4 times a second,
/// locks and results once a second.
public final class ComparisonFeed {
  private let clients: [RunClient]
  private let resultsPath: String?
  private var resultsStamp: Date?
  private var lastEvents = -Double.infinity, lastFiles = -Double.infinity

  /// A feed for the cells of `model` (and its experiment's results).
  public init(_ model: ComparisonModel) {
    clients = model.cells.map { RunClient(runDirectory: $0.directory, readOnly: true) }
    resultsPath = model.root.map { $0 + "/results.json" }
  }

  /// Folds what changed since the last call into `model` (nothing when called again sooner than the
  /// intervals above, as of `now`, in seconds); returns whether anything did.
  @discardableResult
  public func poll(into model: inout ComparisonModel, now: Double = Date().timeIntervalSince1970) -> Bool {
    var changed = false
    if now - lastEvents >= 0.25 {
      lastEvents = now
      for (i, client) in clients.enumerated() {
        let events = client.drainEvents()
        guard !events.isEmpty else { continue }
        model.apply(events, toCell: i)
        changed = true
      }
    }
    if now - lastFiles >= 1 {
      lastFiles = now
      for (i, client) in clients.enumerated() {
        let training = client.trainer != nil
        if model.cells[i].isTraining != training {
          model.setTraining(training, cell: i)
          changed = true
        }
      }
      if let path = resultsPath {
        let stamp = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if stamp != resultsStamp {
          resultsStamp = stamp
          // results.json is replaced atomically; an unreadable one keeps what was shown.
          if let data = FileManager.default.contents(atPath: path), let r = try? JSONDecoder().decode(ExperimentResults.self, from: data) {
            model.setResults(r)
            changed = true
          }
        }
      }
    }
    return changed
  }
}
