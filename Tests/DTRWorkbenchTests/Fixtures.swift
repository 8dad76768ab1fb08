import DTRTraining
import DTRWorkbench

/// Event builders shared by the tests.
enum Fixtures {
  /// A `run_start` with a small DTR config (C = 8, T = 4, 2 blocks, α 1, β 0.5).
  static func runStart(hidden: Int = 8, timesteps: Int = 4, routing: String = "dtr", alpha: Double = 1,
                       beta: Double = 0.5) -> TrainingEvent {
    TrainingEvent(.runStart, step: 0, time: 0, [
      "resumed": .bool(false),
      "config": .object([
        "hidden": .number(Double(hidden)), "depth": .number(2), "timesteps": .number(Double(timesteps)),
        "routing": .string(routing), "alpha": .number(alpha), "beta": .number(beta), "seed": .number(7),
        "lr": .number(1e-4), "batch": .number(128), "epochs": .number(10), "steps_per_epoch": .number(100),
        "preset": .string("tiny"),
      ]),
    ])
  }

  /// A `step` event.
  static func step(_ s: Int, loss: Double, epoch: Int = 1, buckets: [Double?] = []) -> TrainingEvent {
    TrainingEvent(.step, step: s, time: 0, [
      "loss": .number(loss), "epoch": .number(Double(epoch)), "lr": .number(1e-4), "img_per_s": .number(500),
      "bucket_loss": .array(buckets.map { $0.map(JSONValue.number) ?? .null }),
    ])
  }

  /// An `hparam_change` event.
  static func change(_ name: String, _ old: Double, _ new: Double, step: Int, source: String = "workbench")
    -> TrainingEvent {
    TrainingEvent(.hparamChange, step: step, time: 0, [
      "name": .string(name), "old": .number(old), "new": .number(new), "source": .string(source), "epoch": .number(3),
    ])
  }

  /// A model fed with `events`.
  static func model(_ events: [TrainingEvent]) -> WorkbenchModel {
    var m = WorkbenchModel(runDirectory: "/tmp")
    for e in events { m.apply(e) }
    return m
  }

  /// The text of a canvas region's rows.
  static func rows(_ c: Canvas) -> [String] { (0..<c.height).map(c.row) }
}
