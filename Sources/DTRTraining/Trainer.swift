import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRFormats
import DTRModels
import Foundation

/// The training loop: DDPM ε-prediction on a DiT with routing, AdamW, EMA, checkpoints, sample grids,
/// events, and steering commands applied at safe points.
///
/// ``run()`` blocks its thread until the run ends; other threads talk to it only through
/// ``send(_:)`` (commands, never blocking) and the event log.
public final class Trainer: TrainingSession, @unchecked Sendable {
  /// The run's configuration (α, β and lr reflect applied changes).
  public private(set) var config: TrainConfig
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
  /// Live sessions accept commands.
  public let isReadOnly = false

  let schedule: NoiseSchedule
  let weighting: LossWeighting
  /// The training batches.
  public let data: BatchSource
  private var rng: SplitMix64
  private let lock = NSLock()
  private var commands: [TrainerCommand] = []
  private var staged: [Hyperparameter: Double] = [:]
  private var pauseAtEpochEnd = false
  private var paused = false
  private var stopRequested = false
  private var consecutiveBadSteps = 0
  private var epochLossSum = 0.0
  private var epochLossCount = 0
  private var epochStart = Date()
  private var probe: FIDProbe?
  private var evaluatorMissing = false

  // step buffers
  private let images: Tensor, noise: Tensor, noisy: Tensor, pred: Tensor, dPred: Tensor
  private let perSample: Tensor, weights: Tensor
  private var labels: [Int]

  /// Total optimizer steps of the run.
  public var totalSteps: Int { config.steps > 0 ? config.steps : config.epochs * data.batchesPerEpoch }

  /// A new run in `runDirectory`, or a resumed one when `resumeFrom` names a checkpoint.
  public init(config: TrainConfig, runDirectory: String, data: BatchSource, resumeFrom: String? = nil) throws {
    if let e = config.validationError { throw TrainingError(e) }
    self.config = config
    self.runDirectory = runDirectory
    self.data = data
    schedule = NoiseSchedule(config.schedule, T: config.model.timesteps)
    weighting = LossWeighting(parsing: config.lossWeighting)!
    model = config.model.build(seed: config.seed)
    ema = config.model.build(seed: config.seed)
    optimizer = AdamW(model.parameters, lr: Float(config.lr), weightDecay: Float(config.weightDecay))
    rng = SplitMix64(seed: config.seed &+ 0x5EED)
    let B = config.batch
    images = Tensor([B, 1, 28, 28]); noise = Tensor([B, 1, 28, 28]); noisy = Tensor([B, 1, 28, 28])
    pred = Tensor([B, 1, 28, 28]); dPred = Tensor([B, 1, 28, 28]); perSample = Tensor([B]); weights = Tensor([B])
    labels = Array(repeating: 0, count: B)
    try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    log = try EventLog(path: runDirectory + "/events.jsonl")
    if let path = resumeFrom {
      let (_, f) = try Checkpoint.config(at: path)
      try Checkpoint.loadWeights(f, prefix: "model.", into: model, path: path)
      try Checkpoint.loadWeights(f, prefix: "ema.", into: ema, path: path)
      state = try Checkpoint.loadTrainingState(f, optimizer: optimizer, path: path)
      rng = SplitMix64(seed: 0)
      rng.state = state.rng
      try data.restore(state.data)
      if let lr = Double(f.metadata["lr"] ?? "") { self.config.lr = lr }
      self.config.model = model.config
      staged = state.staged
    } else {
      ema.parameters.copyValues(from: model.parameters)
      ema.setMasks(model.masks)
      try AtomicFile.write(Data(config.json.utf8), to: runDirectory + "/config.json")
    }
  }

  // MARK: TrainingSession

  /// Queues a command for the training thread.
  public func send(_ command: TrainerCommand) {
    lock.lock()
    commands.append(command)
    lock.unlock()
  }

  /// Events since the last drain.
  public func drainEvents() -> [TrainingEvent] { log.drain() }

  // MARK: loop

  /// Trains until the configured length is reached or a stop command arrives; returns the end reason.
  @discardableResult
  public func run() -> String {
    log.emit(TrainingEvent(.runStart, step: state.step, [
      "config": .object(config.summary), "resumed": .bool(state.step > 0), "epoch": .number(Double(state.epoch)),
      "total_steps": .number(Double(totalSteps)), "steps_per_epoch": .number(Double(data.batchesPerEpoch)),
      "params": .number(Double(model.parameters.trainableCount)), "run_dir": .string(runDirectory),
    ]))
    epochStart = Date()
    // A checkpoint written at an epoch boundary holds the changes staged for it, still unapplied.
    if state.stepInEpoch == 0 { applyStaged() }
    var reason = "finished"
    while state.step < totalSteps {
      handleCommands()
      if stopRequested { reason = "stopped"; break }
      if paused {
        Thread.sleep(forTimeInterval: 0.02)
        continue
      }
      trainStep()
      if state.stepInEpoch >= data.batchesPerEpoch { endEpoch() }
    }
    if state.stepInEpoch > 0 || reason == "stopped" || state.step >= totalSteps {
      saveCheckpoint(reason: reason == "stopped" ? "stop" : "final")
    }
    log.emit(TrainingEvent(.runEnd, step: state.step, ["reason": .string(reason), "epoch": .number(Double(state.epoch))]))
    return reason
  }

  /// Whether a stop command is waiting (long evaluations give way to it).
  private var stopIsQueued: Bool {
    lock.lock()
    defer { lock.unlock() }
    return commands.contains(.stop)
  }

  private func handleCommands() {
    lock.lock()
    let cmds = commands
    commands.removeAll()
    lock.unlock()
    for c in cmds {
      switch c {
      case .pauseAtEpochEnd:
        if pauseAtEpochEnd && !paused { pause(at: "step") } else if !paused { pauseAtEpochEnd = true }
      case .pauseNow: if !paused { pause(at: "step") }
      case .resume:
        pauseAtEpochEnd = false
        if paused {
          paused = false
          log.emit(TrainingEvent(.resume, step: state.step))
        }
      case .stage(let h, let v):
        if let err = h.validationError(v) {
          log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"), "message": .string(err)]))
        } else if paused {
          apply(h, v, source: "workbench")
        } else {
          staged[h] = v
          log.emit(TrainingEvent(.hparamStaged, step: state.step, [
            "name": .string(h.rawValue), "new": .number(v), "epoch": .number(Double(state.epoch + 1)),
          ]))
        }
      case .unstage(let h): staged[h] = nil
      case .saveCheckpoint: saveCheckpoint(reason: "manual")
      case .stop: stopRequested = true
      }
    }
  }

  private func pause(at: String) {
    paused = true
    pauseAtEpochEnd = false
    log.emit(TrainingEvent(.pause, step: state.step, ["at": .string(at)]))
  }

  /// Applies the changes staged for an epoch boundary.
  private func applyStaged() {
    for (h, v) in staged.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { apply(h, v, source: "workbench") }
    staged.removeAll()
  }

  /// Applies a validated hyperparameter change now and logs it.
  private func apply(_ h: Hyperparameter, _ v: Double, source: String) {
    let old: Double
    switch h {
    case .alpha:
      old = model.config.alpha
      model.setRouting(alpha: v, beta: model.config.beta)
    case .beta:
      old = model.config.beta
      guard model.masks.allSatisfy({ Int(Double($0.channels) * v) >= 1 }) else {
        log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"),
          "message": .string("beta \(v) leaves no active channel; unchanged")]))
        return
      }
      model.setRouting(alpha: model.config.alpha, beta: v)
    case .lr:
      old = config.lr
      config.lr = v
    }
    ema.setMasks(model.masks)
    config.model = model.config
    log.emit(TrainingEvent(.hparamChange, step: state.step, [
      "name": .string(h.rawValue), "old": .number(old), "new": .number(v), "source": .string(source),
      "epoch": .number(Double(state.epoch)),
    ]))
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
    let loss = MSELossOp.forward(pred: pred.data, target: noise.data, batch: B, perSampleCount: per,
                                 weights: weights.data, perSample: perSample.data)
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
    Profiler.time(.optimizer) { updateEMA() }
    advance()
    epochLossSum += Double(loss)
    epochLossCount += 1
    let dt = Date().timeIntervalSince(t0)
    if state.step % max(1, config.logEvery) == 0 {
      log.emit(TrainingEvent(.step, step: state.step, [
        "epoch": .number(Double(state.epoch)), "loss": .number(Double(loss)), "lr": .number(lr),
        "grad_norm": .number(Double(gnorm)), "img_per_s": .number(Double(B) / dt),
        "bucket_loss": .array(bucketLosses(ts)),
      ]))
    }
  }

  /// Leaves the weights untouched (no poisoned update, optimizer state or checkpoint), raises an alert,
  /// and pauses after 3 bad steps in a row.
  private func skipUpdate(_ what: String) {
    consecutiveBadSteps += 1
    log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("error"),
      "message": .string("\(what); update skipped (\(consecutiveBadSteps) in a row)")]))
    if consecutiveBadSteps >= 3 && !paused { pause(at: "step") }
    advance()
  }

  /// Draws the next batch, its timesteps, label dropout and noise, and the noisy inputs.
  private func prepareBatch(_ ts: inout [Int]) {
    let B = config.batch, T = config.model.timesteps
    data.nextBatch(images: images, labels: &labels)
    for i in 0..<B {
      ts[i] = rng.nextInt(T)
      weights.data[i] = Float(weighting.weight(ts[i], schedule))
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
  private func bucketLosses(_ ts: [Int]) -> [JSONValue] {
    let K = config.lossBuckets, T = config.model.timesteps
    var sum = [Double](repeating: 0, count: K), cnt = [Int](repeating: 0, count: K)
    for (i, t) in ts.enumerated() {
      let k = min(K - 1, t * K / T)
      sum[k] += Double(perSample.data[i])
      cnt[k] += 1
    }
    return (0..<K).map { cnt[$0] > 0 ? .number(sum[$0] / Double(cnt[$0])) : .null }
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
    let mean = epochLossCount > 0 ? epochLossSum / Double(epochLossCount) : .nan
    log.emit(TrainingEvent(.epochEnd, step: state.step, [
      "epoch": .number(Double(state.epoch)), "mean_loss": .number(mean),
      "seconds": .number(Date().timeIntervalSince(epochStart)),
    ]))
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
    if pauseAtEpochEnd { pause(at: "epoch") }
  }

  /// Writes `ckpt-<step>.safetensors` (keeping the newest K), optionally `best.safetensors`, and
  /// `last.safetensors`.
  public func saveCheckpoint(reason: String, best: Bool = false) {
    state.rng = rng.state
    state.data = data.stateWords
    state.staged = staged
    let name = String(format: "ckpt-%08d.safetensors", state.step)
    let path = runDirectory + "/" + name
    do {
      try Checkpoint.save(to: path, config: config, model: model, ema: ema, optimizer: optimizer, state: state,
                          lr: config.lr)
      try? FileManager.default.removeItem(atPath: runDirectory + "/last.safetensors")
      try FileManager.default.linkItem(atPath: path, toPath: runDirectory + "/last.safetensors")
      if best {
        try? FileManager.default.removeItem(atPath: runDirectory + "/best.safetensors")
        try FileManager.default.linkItem(atPath: path, toPath: runDirectory + "/best.safetensors")
      }
      log.emit(TrainingEvent(.checkpoint, step: state.step, ["path": .string(path), "reason": .string(reason)]))
      pruneCheckpoints()
    } catch {
      log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("error"),
        "message": .string("checkpoint failed: \(error)")]))
    }
  }

  private func pruneCheckpoints() {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: runDirectory) else { return }
    let ckpts = names.filter { $0.hasPrefix("ckpt-") && $0.hasSuffix(".safetensors") }.sorted()
    for old in ckpts.dropLast(max(1, config.keepCheckpoints)) { try? fm.removeItem(atPath: runDirectory + "/" + old) }
  }

  /// FID-2k and KID of the EMA weights (fixed initial noises, DDIM-25, the run's guidance scale), with
  /// `eval_progress` events while it runs and one `eval` event at the end.
  public func evaluate() {
    guard !evaluatorMissing else { return }
    do {
      if probe == nil {
        probe = try FIDProbe(evaluator: try Evaluator.load(), dataDirectory: config.dataDir, samples: config.evalSamples,
                             cfgScale: config.cfgScale)
      }
      var last = Date.distantPast
      let r = try probe!.measure(model: ema, schedule: schedule, progress: { done, total, phase in
        let now = Date()
        guard done == total || now.timeIntervalSince(last) > 0.25 else { return }
        last = now
        self.log.emit(TrainingEvent(.evalProgress, step: self.state.step, [
          "done": .number(Double(done)), "total": .number(Double(total)), "phase": .string(phase.rawValue),
        ]))
      }, isCancelled: { self.stopIsQueued })
      log.emit(TrainingEvent(.eval, step: state.step, [
        "name": .string(r.name), "fid2k": .number(r.fid), "kid": .number(r.kid), "kid_std": .number(r.kidStd),
        "evaluator": .string(r.evaluator), "seconds": .number(r.seconds), "samples": .number(Double(r.samples)),
        "epoch": .number(Double(state.epoch)),
      ]))
    } catch is CancellationError {
      log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"),
        "message": .string("\(config.evalSamples)-sample evaluation cancelled: the run is stopping")]))
    } catch {
      evaluatorMissing = true
      log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"),
        "message": .string("FID evaluation off: \(error)")]))
    }
  }

  /// Samples one row per class with the EMA weights from fixed noise and writes `samples-<step>.png`.
  public func writeSampleGrid() {
    let classes = config.model.conditional ? config.model.numClasses : 1
    let cols = 10, rows = config.model.conditional ? classes : 8
    guard let grid = SampleGrid.generate(model: ema, schedule: schedule, sampler: Sampler(parsing: config.sampler)!,
                                         rows: rows, cols: cols, cfgScale: config.cfgScale, seed: config.seed &+ 77,
                                         isCancelled: { self.stopIsQueued })
    else {
      log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"),
        "message": .string("sample grid cancelled: the run is stopping")]))
      return
    }
    let path = runDirectory + String(format: "/samples-%08d.png", state.step)
    do {
      try ImageGrid(rows: rows, columns: cols).write(grid, to: path)
      log.emit(TrainingEvent(.samples, step: state.step, [
        "path": .string(path), "rows": .number(Double(rows)), "cols": .number(Double(cols)),
      ]))
    } catch {
      log.emit(TrainingEvent(.alert, step: state.step, ["level": .string("warning"),
        "message": .string("sample grid failed: \(error)")]))
    }
  }
}
