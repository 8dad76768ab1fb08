import DTREngine
import DTRModels
import Foundation

/// Writes an `events.jsonl` shaped like a long run's, fast, for measuring and testing how readers open
/// long logs (`dtr bench watch-log`): a `run_start` of the `small` preset at batch 128, one `step` event
/// per step (the trainer's default), and at every epoch's end (468 steps) `epoch_end`, a `checkpoint`
/// and a `samples` event, with an `eval` every second epoch. Losses fall along a seeded noisy curve.
/// Every line comes from ``EventCodec``, as the trainer's do; to write 400k steps in about a second, the
/// step payloads of an epoch are 16 variants encoded once, each line then gets its own `time` and `step`.
public enum SyntheticRunLog {
  /// A run interrupted after `killedAt` steps and resumed from its checkpoint at `resumedFrom`: the
  /// steps in between appear twice in the log, before and after the resume mark.
  public struct Resume: Sendable, Equatable {
    /// The last step logged before the kill, and the checkpoint's step the run continues from.
    public var killedAt, resumedFrom: Int
    /// A resume.
    public init(killedAt: Int, resumedFrom: Int) { (self.killedAt, self.resumedFrom) = (killedAt, resumedFrom) }
  }

  /// Steps per epoch of the written run (60,000 images at batch 128).
  public static let stepsPerEpoch = 468

  /// Writes the log of a run of `steps` steps, resumed as `resumes` say (in order), to `path`, replacing
  /// it; returns the bytes written.
  @discardableResult
  public static func write(steps: Int, resumes: [Resume] = [], to path: String) throws -> Int {
    guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
      throw TrainingError("cannot write \(path)")
    }
    defer { try? out.close() }
    let folder = RunFolder((path as NSString).deletingLastPathComponent)
    var config = TrainConfig()
    config.model = ModelConfig.preset(config.preset)!
    config.steps = steps
    var buffer = Data()
    var written = 0
    var time = 1_800_000_000.0
    func append(_ line: String) throws {
      buffer.append(contentsOf: line.utf8)
      if buffer.count >= 1 << 20 { try flush() }
    }
    func emit(_ payload: TrainingEvent.Payload, _ step: Int) throws {
      try append(EventCodec.encode(TrainingEvent(payload, step: step, time: time)) + "\n")
    }
    func flush() throws {
      try out.write(contentsOf: buffer)
      written += buffer.count
      buffer.removeAll(keepingCapacity: true)
    }
    func start(_ step: Int, resumed: Bool) throws {
      try emit(.runStart(RunStart(config: config, resumed: resumed, epoch: step / stepsPerEpoch, totalSteps: steps,
                                  stepsPerEpoch: stepsPerEpoch, params: 1_234_567, runDir: folder.path)),
               step)
    }
    var rng = SplitMix64(seed: 12)
    var variants: (epoch: Int, payloads: [String]) = (0, [])
    var pending = resumes[...]
    var step = 0
    try start(0, resumed: false)
    while step < steps {
      step += 1
      time += 0.2
      let epoch = (step - 1) / stepsPerEpoch + 1
      if variants.epoch != epoch { variants = (epoch, stepVariants(epoch: epoch, rng: &rng)) }
      try append(stepHead + EventCodec.number(time) + ",\"step\":\(step)" + variants.payloads[step % variants.payloads.count])
      if step % stepsPerEpoch == 0 {
        let e = step / stepsPerEpoch
        try emit(.epochEnd(EpochEnd(epoch: e, meanLoss: meanLoss(atStep: step), seconds: 94)), step)
        try emit(.checkpoint(CheckpointWritten(path: folder.checkpoint(step: step), reason: "periodic")), step)
        try emit(.samples(SamplesWritten(path: folder.sampleGrid(step: step), rows: 10, cols: 10)), step)
        if e % 2 == 0 {
          try emit(.eval(Evaluation(name: "FID-2k", fid2k: 300 / (1 + Double(e) / 4), kid: 0.01, kidStd: 0.001,
                                    evaluator: "fmnist-cnn-v1", seconds: 40, samples: 2000, epoch: e)), step)
        }
      }
      if let r = pending.first, r.killedAt == step {
        pending.removeFirst()
        step = r.resumedFrom
        try start(step, resumed: true)
      }
    }
    try emit(.runEnd(RunEnd(reason: "finished", epoch: steps / stepsPerEpoch)), steps)
    try flush()
    return written
  }

  /// The loss curve the run follows.
  private static func meanLoss(atStep step: Int) -> Double { 0.05 + 0.9 / (1 + Double(step) / 800) }

  /// How every step line starts, up to its time.
  private static let stepHead = #"{"type":"step","time":"#

  /// The rest of 16 step lines of `epoch` after their `step` value, newline included: losses on the
  /// run's curve at the epoch's middle, with noise.
  private static func stepVariants(epoch: Int, rng: inout SplitMix64) -> [String] {
    let mean = meanLoss(atStep: epoch * stepsPerEpoch - stepsPerEpoch / 2)
    return (0..<16).map { v in
      let loss = mean + 0.01 * (rng.nextDouble() - 0.5)
      var buckets: [Double?] = []
      for k in 0..<10 {
        let spread: Double = (1.6 - 0.12 * Double(k)) * (0.9 + 0.2 * rng.nextDouble())
        buckets.append(k == 9 && v % 4 == 0 ? nil : loss * spread)  // an empty bucket now and then
      }
      let m = StepMetrics(epoch: epoch, loss: loss, lr: 1e-4, gradNorm: 0.2 + rng.nextDouble(),
                          imgPerS: 600 + 50 * rng.nextDouble(), bucketLoss: buckets)
      let line = EventCodec.encode(TrainingEvent(.step(m), step: 0, time: 0))
      let head = stepHead + #"0,"step":0"#
      precondition(line.hasPrefix(head), "EventCodec no longer writes step lines as \(head)…")
      return String(line.dropFirst(head.count)) + "\n"
    }
  }
}
