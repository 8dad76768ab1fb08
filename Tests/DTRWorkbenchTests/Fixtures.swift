import DTRModels
import DTRTraining
import DTRWorkbench

/// Event builders shared by the tests.
enum Fixtures {
  /// A `run_start` with a small DTR config (C = 8, T = 4, 2 blocks, α 1, β 0.5, 10 epochs of 100 steps).
  static func runStart(hidden: Int = 8, timesteps: Int = 4, routing: RoutingKind = .dtr, alpha: Double = 1,
                       beta: Double = 0.5) -> TrainingEvent {
    var c = TrainConfig()
    c.preset = "tiny"
    c.seed = 7
    c.epochs = 10
    (c.model.hidden, c.model.depth, c.model.heads, c.model.timesteps) = (hidden, 2, 2, timesteps)
    (c.model.routing, c.model.alpha, c.model.beta, c.model.routingSeed) = (routing, alpha, beta, 7)
    return TrainingEvent(.runStart(RunStart(config: c, resumed: false, epoch: 0, totalSteps: 1000, stepsPerEpoch: 100,
                                            params: 1000, runDir: "/tmp")), step: 0, time: 0)
  }

  /// A `run_start` announcing a resume from a checkpoint at `step`.
  static func resumed(at step: Int, epoch: Int) -> TrainingEvent {
    guard case .runStart(var s) = runStart().payload else { fatalError() }
    (s.resumed, s.epoch) = (true, epoch)
    return TrainingEvent(.runStart(s), step: step, time: 0)
  }

  /// A `step` event.
  static func step(_ s: Int, loss: Double, epoch: Int = 1, buckets: [Double?] = []) -> TrainingEvent {
    TrainingEvent(.step(StepMetrics(epoch: epoch, loss: loss, lr: 1e-4, gradNorm: 1, imgPerS: 500, bucketLoss: buckets)),
                  step: s, time: 0)
  }

  /// An `hparam_change` event.
  static func change(_ name: Hyperparameter, _ old: Double, _ new: Double, step: Int, source: String = "control")
    -> TrainingEvent {
    TrainingEvent(.hparamChange(HparamChange(name: name, old: old, new: new, source: source, epoch: 3)), step: step, time: 0)
  }

  /// An event at `step` with `payload`.
  static func at(_ step: Int, _ payload: TrainingEvent.Payload) -> TrainingEvent { TrainingEvent(payload, step: step, time: 0) }

  /// A model fed with `events`.
  static func model(_ events: [TrainingEvent]) -> WorkbenchModel {
    var m = WorkbenchModel(runDirectory: "/tmp")
    for e in events { m.apply(e) }
    return m
  }

  /// The text of a canvas region's rows.
  static func rows(_ c: Canvas) -> [String] { (0..<c.height).map(c.row) }
}
