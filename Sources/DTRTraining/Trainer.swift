import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRFormats
import DTRModels
import Foundation

/// The training loop: DDPM ε-prediction on a DiT with routing, AdamW, EMA, checkpoints, sample grids,
/// events, and steering commands applied at safe points.
///
/// ``run()`` blocks its thread until the run ends. Everything else talks to it through the run
/// directory (``RunFolder``): commands arrive in `control.jsonl` (``ControlChannel``) and are answered in
/// `events.jsonl`; the only other entry is ``requestStop()`` for signals. A trainer holds the run's
/// ``RunLock`` from ``init`` until it is released, so two trainers never share a run.
public final class Trainer: @unchecked Sendable {
  /// The run's configuration (α, β and lr reflect applied changes).
  public internal(set) var config: TrainConfig
  /// The network being trained.
  public let model: any DenoisingNetwork
  /// Exponential moving average of the weights, used for sampling.
  public let ema: any DenoisingNetwork
  /// The optimizer.
  public let optimizer: AdamW
  /// Counters and generator states.
  public private(set) var state = Checkpoint.State()
  /// The event stream.
  public let log: EventLog
  /// `runs/NAME`.
  public let runDirectory: String
  /// The run directory's files.
  public let folder: RunFolder

  let schedule: NoiseSchedule
  let weighting: LossWeighting
  /// ANT-UW's learned interval weights, when the run uses them.
  public let uncertainty: UncertaintyWeighting?
  /// The training batches.
  public let data: BatchSource
  private var rng: SplitMix64
  private let runLock: RunLock
  let inbox: ControlChannel.Inbox
  private let signalLock = NSLock()
  private var signalledStop = false
  private var lastControlPoll = Date.distantPast
  private var lastCheckpoint = Date()
  private let startChanges: [(Hyperparameter, Double)]
  private let discardedCommands: Int
  var staged: [Hyperparameter: Double] = [:]
  var pauseAtEpochEnd = false
  /// True from an epoch's end until the changes staged for it are applied: a change staged meanwhile
  /// (while the epoch's checkpoint, grid or FID is under way) still applies at this boundary.
  var closingEpoch = false
  var paused = false
  var stopRequested = false
  private var consecutiveBadSteps = 0
  private var epochLossSum = 0.0
  private var epochLossCount = 0
  private var epochStart = Date()
  private var probe: FIDProbe?
  private var captionProbe: CaptionProbe?
  private var affinityProbe: TaskAffinity?
  private var evaluatorMissing = false

  // step buffers
  private let images: Tensor, noise: Tensor, noisy: Tensor, pred: Tensor, dPred: Tensor
  private let perSample: Tensor, weights: Tensor
  private var labels: [Int]

  /// Total optimizer steps of the run.
  public var totalSteps: Int { config.steps > 0 ? config.steps : config.epochs * data.batchesPerEpoch }

  /// A new run in `runDirectory`, or a resumed one when `resumeFrom` names a checkpoint; `changes` are
  /// applied (and logged, source `cli`) when the run starts. Takes the run's lock first: throws, touching
  /// nothing, when another trainer holds it.
  public init(config: TrainConfig, runDirectory: String, data: BatchSource, resumeFrom: String? = nil,
              changes: [(Hyperparameter, Double)] = []) throws {
    if let e = config.validationError { throw TrainingError(e) }
    runLock = try RunLock(runDirectory: runDirectory)
    self.config = config
    self.runDirectory = runDirectory
    folder = RunFolder(runDirectory)
    inbox = ControlChannel.Inbox(folder: folder)
    // Nobody answered what was written while no trainer held the run; commands from now on are ours.
    discardedCommands = inbox.discardBacklog()
    startChanges = changes
    self.data = data
    schedule = NoiseSchedule(config.schedule, T: config.model.timesteps)
    weighting = LossWeighting(parsing: config.lossWeighting)!
    uncertainty = weighting == .antUW ? UncertaintyWeighting(timesteps: config.model.timesteps) : nil
    model = config.model.build(seed: config.seed)
    ema = config.model.build(seed: config.seed)
    (model.precision, ema.precision) = (config.precision, config.precision)
    optimizer = AdamW(model.parameters, lr: Float(config.lr), weightDecay: Float(config.weightDecay))
    rng = SplitMix64(seed: config.seed &+ 0x5EED)
    let B = config.batch
    let shape = [B] + config.model.imageShape
    images = Tensor(shape); noise = Tensor(shape); noisy = Tensor(shape)
    pred = Tensor(shape); dPred = Tensor(shape); perSample = Tensor([B]); weights = Tensor([B])
    labels = Array(repeating: 0, count: B)
    log = try EventLog(path: folder.events)
    if let path = resumeFrom {
      let (_, f) = try Checkpoint.config(at: path)
      try Checkpoint.loadWeights(f, prefix: "model.", into: model, path: path)
      try Checkpoint.loadWeights(f, prefix: "ema.", into: ema, path: path)
      state = try Checkpoint.loadTrainingState(f, optimizer: optimizer, uncertainty: uncertainty, path: path)
      rng = SplitMix64(seed: 0)
      rng.state = state.rng
      try data.restore(state.data)
      if let lr = Double(f.metadata["lr"] ?? "") { self.config.lr = lr }
      self.config.model = model.config
      staged = state.staged
    } else {
      ema.parameters.copyValues(from: model.parameters)
      ema.setMasks(model.masks)
      try AtomicFile.write(Data(config.json.utf8), to: folder.config)
    }
  }

  /// Asks the run to write a checkpoint and stop at the next safe point (for signal handlers' hosts;
  /// thread-safe). Everything else steers through the control channel.
  public func requestStop() {
    signalLock.lock()
    signalledStop = true
    signalLock.unlock()
  }

  /// Events emitted since the last drain (for a host in the same process).
  public func drainEvents() -> [TrainingEvent] { log.drain() }

  /// Emits an event at the current step.
  func emit(_ payload: TrainingEvent.Payload) { log.emit(TrainingEvent(payload, step: state.step)) }

  /// Emits an alert at the current step.
  func alert(_ level: String, _ message: String) { emit(.alert(Alert(level: level, message: message))) }

  // MARK: loop

  /// Trains until the configured length is reached or a stop command arrives; returns the end reason.
  @discardableResult
  public func run() -> String {
    emit(.runStart(RunStart(config: config, resumed: state.step > 0, epoch: state.epoch, totalSteps: totalSteps,
                            stepsPerEpoch: data.batchesPerEpoch, params: model.parameters.trainableCount,
                            runDir: runDirectory)))
    if discardedCommands > 0 {
      alert("warning", "ignored \(discardedCommands) command(s) written to control.jsonl while no trainer was running")
    }
    for (h, v) in startChanges { apply(h, v, source: "cli") }
    epochStart = Date()
    lastCheckpoint = Date()
    // A checkpoint written at an epoch boundary holds the changes staged for it, still unapplied.
    if state.stepInEpoch == 0 { applyStaged() }
    var reason = "finished"
    while state.step < totalSteps {
      pollControl()
      if stopRequested { reason = "stopped"; break }
      if paused {
        Thread.sleep(forTimeInterval: 0.02)
        continue
      }
      trainStep()
      if config.evalAtSteps.contains(state.step) { evaluate() }
      let affinityEvery = config.affinityEverySteps ?? data.batchesPerEpoch
      if affinityEvery > 0 && state.step % affinityEvery == 0 { measureAffinity() }
      if state.stepInEpoch >= data.batchesPerEpoch {
        endEpoch()
      } else if config.checkpointEveryMinutes > 0
        && Date().timeIntervalSince(lastCheckpoint) >= config.checkpointEveryMinutes * 60 {
        saveCheckpoint(reason: "timed")
      }
    }
    if state.stepInEpoch > 0 || reason == "stopped" || state.step >= totalSteps {
      saveCheckpoint(reason: reason == "stopped" ? "stop" : "final")
    }
    emit(.runEnd(RunEnd(reason: reason, epoch: state.epoch)))
    return reason
  }

  /// Reads and answers new commands; also takes a stop requested by a signal.
  func pollControl() {
    lastControlPoll = Date()
    signalLock.lock()
    if signalledStop { stopRequested = true }
    signalLock.unlock()
    for line in inbox.poll() {
      switch line {
      case .success(let command): handle(command)
      case .failure(let why): alert("warning", "control.jsonl: skipped a line that is not a command (\(why))")
      }
    }
  }

  /// For long work between steps (evaluations, sample grids): answers commands at most every 250 ms and
  /// says whether the work should give way to a stop.
  private func shouldCancelLongWork() -> Bool {
    if Date().timeIntervalSince(lastControlPoll) >= 0.25 { pollControl() }
    return stopRequested
  }

  /// The learning rate at the current step (warm-up, then constant or cosine to 10%).
  private func currentLR() -> Double {
    let s = Double(state.step)
    if config.warmupSteps > 0 && state.step < config.warmupSteps {
      return config.lr * (s + 1) / Double(config.warmupSteps)
    }
    guard config.lrSchedule == "cosine" else { return config.lr }
    let total = Double(max(1, totalSteps - config.warmupSteps))
    let p = min(1, (s - Double(config.warmupSteps)) / total)
    return config.lr * (0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * p)))
  }

  /// One optimizer step on the next batch (the same code path for `dtr train` and `dtr bench train`).
  public func trainStep() {
    let t0 = Date()
    let B = config.batch
    var ts = [Int](repeating: 0, count: B)
    Profiler.time(.data) { prepareBatch(&ts) }
    model.forward(noisy, t: ts, y: labels, out: pred)
    let per = pred.count / B
    var loss = MSELossOp.forward(pred: pred.data, target: noise.data, batch: B, perSampleCount: per,
                                 weights: weights.data, perSample: perSample.data)
    let intervalLosses = uncertainty?.intervalLosses(timesteps: ts, perSample: perSample.data)
    if let uw = uncertainty, let l = intervalLosses { loss = Float(uw.loss(intervalLosses: l)) }
    model.parameters.zeroGrad()
    let lr = currentLR()
    guard loss.isFinite else { return skipUpdate("non-finite loss (\(loss))") }
    MSELossOp.backward(pred: pred.data, target: noise.data, batch: B, perSampleCount: per, weights: weights.data,
                       dPred: dPred.data)
    model.backward(dPred)
    let gnorm = config.gradClip > 0 ? model.parameters.clipGradNorm(Float(config.gradClip)) : model.parameters.gradNorm()
    guard gnorm.isFinite else { return skipUpdate("non-finite gradient") }
    consecutiveBadSteps = 0
    optimizer.lr = Float(lr)
    optimizer.update()
    if let uw = uncertainty, let l = intervalLosses { uw.update(intervalLosses: l) }
    Profiler.time(.optimizer) { updateEMA() }
    advance()
    epochLossSum += Double(loss)
    epochLossCount += 1
    let dt = Date().timeIntervalSince(t0)
    if state.step % max(1, config.logEvery) == 0 {
      let mse = (0..<B).reduce(0.0) { $0 + Double(perSample.data[$1]) } / Double(B)
      emit(.step(StepMetrics(epoch: state.epoch + 1, loss: Double(loss).finite, lr: lr, gradNorm: Double(gnorm).finite,
                             imgPerS: (Double(B) / dt).finite, bucketLoss: bucketLosses(ts), mse: mse.finite,
                             uwLogVar: uncertainty.map { uw in (0..<UncertaintyWeighting.intervals).map { Double(uw.logVariance.value[$0]) } })))
    }
  }

  /// Leaves the weights untouched (no poisoned update, optimizer state or checkpoint), raises an alert,
  /// and pauses after 3 bad steps in a row.
  private func skipUpdate(_ what: String) {
    consecutiveBadSteps += 1
    alert("error", "\(what); update skipped (\(consecutiveBadSteps) in a row)")
    if consecutiveBadSteps >= 3 && !paused { pause(at: "step") }
    advance()
  }

  /// Draws the next batch, its timesteps, label dropout and noise, and the noisy inputs.
  private func prepareBatch(_ ts: inout [Int]) {
    let B = config.batch, T = config.model.timesteps
    data.nextBatch(images: images, labels: &labels)
    if config.model.captioned { model.captions = data.captions }  // labels are rows of the batch's captions
    config.timestepSampler.draw(&ts, timesteps: T, rng: &rng)
    if let uw = uncertainty {
      uw.weights(timesteps: ts, into: weights.data)
    } else {
      for i in 0..<B { weights.data[i] = Float(weighting.weight(ts[i], schedule)) }
    }
    for i in 0..<B {
      if !config.model.conditional {
        labels[i] = 0
      } else if config.model.classDropout > 0 && rng.nextDouble() < config.model.classDropout {
        labels[i] = config.model.nullClass
      }
    }
    rng.fillNormal(noise.data, count: noise.count)
    ForwardProcess.qSample(x0: images, noise: noise, t: ts, schedule: schedule, out: noisy)
  }

  private func advance() {
    state.step += 1
    state.stepInEpoch += 1
  }

  /// Mean unweighted loss per timestep bucket in the last batch (`null` for empty buckets).
  private func bucketLosses(_ ts: [Int]) -> [Double?] {
    let K = config.lossBuckets, T = config.model.timesteps
    var sum = [Double](repeating: 0, count: K), cnt = [Int](repeating: 0, count: K)
    for (i, t) in ts.enumerated() {
      let k = min(K - 1, t * K / T)
      sum[k] += Double(perSample.data[i])
      cnt[k] += 1
    }
    return (0..<K).map { cnt[$0] > 0 ? (sum[$0] / Double(cnt[$0])).finite : nil }
  }

  private func updateEMA() {
    var d = config.emaDecay
    if config.emaWarmup { d = min(d, Double(1 + state.step) / Double(10 + state.step)) }
    let decay = Float(d)
    for (p, e) in zip(model.parameters.all, ema.parameters.all) where p.trainable {
      let w = p.value.data, ev = e.value.data
      Parallel.forRange(p.value.count, minChunk: 1 << 15) { s, end in
        for i in s..<end { ev[i] = decay * ev[i] + (1 - decay) * w[i] }
      }
    }
  }

  private func endEpoch() {
    state.epoch += 1
    state.stepInEpoch = 0
    closingEpoch = true
    let mean = epochLossCount > 0 ? epochLossSum / Double(epochLossCount) : .nan
    emit(.epochEnd(EpochEnd(epoch: state.epoch, meanLoss: mean.finite, seconds: Date().timeIntervalSince(epochStart))))
    epochLossSum = 0
    epochLossCount = 0
    epochStart = Date()
    let isBest = mean < state.bestLoss
    if isBest { state.bestLoss = mean }
    // The epoch's checkpoint, grid and FID use the masks and lr it trained with; staged changes
    // (which the checkpoint records as still staged) apply after them, for the next epoch.
    if config.checkpointEveryEpochs > 0 && state.epoch % config.checkpointEveryEpochs == 0 {
      saveCheckpoint(reason: "periodic", best: isBest)
    }
    if config.sampleEveryEpochs > 0 && state.epoch % config.sampleEveryEpochs == 0 { writeSampleGrid() }
    if config.evalEveryEpochs > 0 && state.epoch % config.evalEveryEpochs == 0 { evaluate() }
    applyStaged()
    closingEpoch = false
    if pauseAtEpochEnd { pause(at: "epoch") }
  }

  /// Writes `ckpt-<step>.safetensors` (keeping the newest K) and points `last` (and `best` when asked)
  /// at it (``RunFolder``).
  public func saveCheckpoint(reason: String, best: Bool = false) {
    state.rng = rng.state
    state.data = data.stateWords
    state.staged = staged
    let path = folder.checkpoint(step: state.step)
    lastCheckpoint = Date()
    do {
      try Checkpoint.save(to: path, config: config, model: model, ema: ema, optimizer: optimizer, uncertainty: uncertainty,
                          state: state, lr: config.lr)
      try folder.publish(checkpoint: path, asBest: best)
      emit(.checkpoint(CheckpointWritten(path: path, reason: reason)))
      folder.pruneCheckpoints(keep: config.keepCheckpoints)
    } catch {
      alert("error", "checkpoint failed: \(error)")
    }
  }

  /// Task affinity between timestep buckets of the trained weights (``TaskAffinity``), as an `affinity`
  /// event; the weights, optimizer, EMA and random streams are left as they were.
  public func measureAffinity() {
    do {
      if affinityProbe == nil { affinityProbe = try TaskAffinity(config: config, buckets: config.lossBuckets, perBucket: 16) }
      emit(.affinity(affinityProbe!.measure(model)))
    } catch {
      config.affinityEverySteps = 0
      alert("warning", "task-affinity measurement off: \(error)")
    }
  }

  /// FID-2k and KID of the EMA weights (fixed initial noises, the run's eval sampler and eval guidance scale), or
  /// for a captioned model the caption scores of ``CaptionProbe`` (crop FID, caption and class accuracy of fixed
  /// layouts), with `eval_progress` events while it runs and one `eval` event at the end.
  public func evaluate() {
    guard !evaluatorMissing else { return }
    do {
      var last = Date.distantPast
      let progress: (Int, Int, FIDProbe.Phase) -> Void = { done, total, phase in
        let now = Date()
        guard done == total || now.timeIntervalSince(last) > 0.25 else { return }
        last = now
        self.emit(.evalProgress(EvalProgress(done: done, total: total, phase: phase.rawValue)))
      }
      let sampler = Sampler(parsing: config.evalSampler)!
      let precision = config.evalPrecision.resolved(for: config.model), training = ema.precision
      ema.precision = precision
      defer { ema.precision = training }
      if config.model.captioned {
        if captionProbe == nil {
          captionProbe = try CaptionProbe(evaluator: try Evaluator.load(), dataDirectory: config.dataDir, samples: config.evalSamples,
                                          sampler: sampler, cfgScale: config.evalCfgScale)
        }
        let r = try captionProbe!.measure(model: ema, schedule: schedule, progress: progress,
                                          isCancelled: { self.shouldCancelLongWork() })
        let all = r.scores.all
        emit(.eval(Evaluation(name: captionProbe!.name, fid2k: all.fid?.finite, kid: nil, kidStd: nil, evaluator: r.scores.evaluatorTag,
                              seconds: r.seconds, samples: all.canvases, epoch: state.epoch,
                              captionAccuracy: all.captionAccuracy, classAccuracy: all.classAccuracy,
                              precision: precision.rawValue)))
        return
      }
      if probe == nil {
        probe = try FIDProbe(evaluator: try Evaluator.load(), dataDirectory: config.dataDir, samples: config.evalSamples,
                             sampler: sampler, cfgScale: config.evalCfgScale)
      }
      let r = try probe!.measure(model: ema, schedule: schedule, progress: progress, isCancelled: { self.shouldCancelLongWork() })
      emit(.eval(Evaluation(name: r.name, fid2k: r.fid.finite, kid: r.kid.finite, kidStd: r.kidStd.finite,
                            evaluator: r.evaluator, seconds: r.seconds, samples: r.samples, epoch: state.epoch,
                            precision: precision.rawValue)))
    } catch is CancellationError {
      alert("warning", "\(config.evalSamples)-sample evaluation cancelled: the run is stopping")
    } catch {
      evaluatorMissing = true
      alert("warning", "FID evaluation off: \(error)")
    }
  }

  /// Samples one row per class (or per prompt of ``SampleGrid/captionPrompts`` for a captioned model)
  /// with the EMA weights from fixed noise and writes `samples-<step>.png`.
  public func writeSampleGrid() {
    let m = config.model
    let prompts = m.captioned ? SampleGrid.captionPrompts : nil
    let cols = m.captioned ? 4 : 10, rows = prompts?.count ?? (m.conditional ? m.numClasses : 8)
    let path = folder.sampleGrid(step: state.step)
    do {
      guard let grid = try SampleGrid.generate(model: ema, schedule: schedule, sampler: Sampler(parsing: config.sampler)!,
                                               rows: rows, cols: cols, cfgScale: config.cfgScale, seed: config.seed &+ 77,
                                               prompts: prompts, isCancelled: { self.shouldCancelLongWork() })
      else {
        alert("warning", "sample grid cancelled: the run is stopping")
        return
      }
      if let prompts {
        try PromptGrid(columns: cols).write(grid, prompts: prompts, to: path)
      } else {
        try ImageGrid(rows: rows, columns: cols).write(grid, to: path)
      }
      emit(.samples(SamplesWritten(path: path, rows: rows, cols: cols, prompts: prompts)))
    } catch {
      alert("warning", "sample grid failed: \(error)")
    }
  }
}
