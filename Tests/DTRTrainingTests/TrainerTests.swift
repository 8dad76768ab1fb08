import DTREngine
import DTRFormats
import DTRModels
import DTRTraining
import Foundation
import XCTest

final class TrainerTests: XCTestCase {
  func tinyConfig(steps: Int, preset: String = "tiny") -> TrainConfig {
    var c = TrainConfig()
    c.preset = preset
    c.model = ModelConfig.preset(preset)!
    c.batch = 32
    c.steps = steps
    c.lr = 1e-3
    c.sampleEveryEpochs = 0
    c.evalEveryEpochs = 0
    c.seed = 42
    return c
  }

  func tempDir(_ name: String) -> String {
    let d = NSTemporaryDirectory() + "dtr-test-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: d)
    return d
  }

  func events(_ dir: String) throws -> [TrainingEvent] {
    try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8).split(separator: "\n").compactMap(EventCodec.decode)
  }

  /// Sends a command through the run's control file, as any other process would.
  func send(_ command: TrainerCommand, id: String, to dir: String) throws {
    try ControlChannel.send(ControlCommand(id: id, command), to: RunFolder(dir))
  }

  func testTinyPresetTrains200StepsWithFallingLoss() throws { try trains200Steps("tiny") }

  func testUNetTinyPresetTrains200StepsWithFallingLoss() throws { try trains200Steps("unet-tiny") }

  func trains200Steps(_ preset: String) throws {
    let dir = tempDir("e2e-\(preset)")
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 42, hflip: false)
    let trainer = try Trainer(config: tinyConfig(steps: 200, preset: preset), runDirectory: dir, data: data)
    XCTAssertEqual(trainer.run(), "finished")
    let losses = try events(dir).compactMap { e -> Double? in
      if case .step(let m) = e.payload { return m.loss }
      return nil
    }
    XCTAssertEqual(losses.count, 200)
    let first = losses.prefix(20).reduce(0, +) / 20, last = losses.suffix(50).reduce(0, +) / 50
    XCTAssertLessThan(last, 0.5 * first, "\(preset) loss \(first) → \(last)")
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/last.safetensors"))
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/config.json"))
  }

  /// A stop that arrives while FID is measured or a sample grid is drawn ends them at the next sampling
  /// step (the evaluation used to hold the stop for its whole length: 4.6 minutes for unet-small).
  func testAQueuedStopCancelsTheEvaluation() throws {
    let dir = tempDir("eval-stop")
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 42, hflip: false)
    var config = tinyConfig(steps: 10)
    config.evalSamples = 2000
    let trainer = try Trainer(config: config, runDirectory: dir, data: data)
    try send(.stop, id: "stop-1", to: dir)
    trainer.evaluate()
    trainer.writeSampleGrid()
    let alerts = trainer.drainEvents().compactMap(\.alertMessage)
    XCTAssertTrue(alerts.contains { $0.contains("evaluation cancelled") }, "\(alerts)")
    XCTAssertEqual(trainer.run(), "stopped", "the stop is still handled after the cancelled evaluation")
    XCTAssertFalse(try events(dir).contains { $0.kind == .eval || $0.kind == .samples })
    XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix("samples-") })
  }

  func testResumeIsBitExact() throws { try resumesBitExactly("tiny") }

  func testUNetResumeIsBitExact() throws { try resumesBitExactly("unet-tiny") }

  /// ANT-UW's log-variances and their optimizer state travel in the checkpoint.
  func testResumeIsBitExactWithANTUW() throws { try resumesBitExactly("tiny", weighting: "ant-uw") }

  func resumesBitExactly(_ preset: String, weighting: String = "uniform") throws {
    let straight = tempDir("straight-\(preset)"), split = tempDir("split-\(preset)")
    func batches() throws -> FashionMNISTBatches {
      try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 42, hflip: true)
    }
    func config(_ steps: Int) -> TrainConfig {
      var c = tinyConfig(steps: steps, preset: preset)
      c.lossWeighting = weighting
      return c
    }
    let a = try Trainer(config: config(40), runDirectory: straight, data: try batches())
    a.run()
    do {  // the first trainer releases the run when it goes
      let b1 = try Trainer(config: config(20), runDirectory: split, data: try batches())
      b1.run()
    }
    let b2 = try Trainer(config: config(40), runDirectory: split, data: try batches(), resumeFrom: split + "/last.safetensors")
    b2.run()
    XCTAssertEqual(b2.state.step, 40)
    for (p, q) in zip(a.model.parameters.all, b2.model.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), p.name)
    }
    for (p, q) in zip(a.ema.parameters.all, b2.ema.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), "ema " + p.name)
    }
    if let u = a.uncertainty, let v = b2.uncertainty {
      XCTAssertEqual(u.logVariance.value.toArray().map(\.bitPattern), v.logVariance.value.toArray().map(\.bitPattern))
      XCTAssertNotEqual(u.logVariance.value.toArray(), [Float](repeating: 0, count: 8), "the s_k trained")
    }
  }

  func testNonFiniteLossSkipsUpdatesAlertsAndPauses() throws {
    let dir = tempDir("nan")
    var c = tinyConfig(steps: 50)
    c.lr = 1e30  // the first update blows the weights up; every later loss is non-finite
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 1, hflip: false)
    let t = try Trainer(config: c, runDirectory: dir, data: data)
    let done = DispatchSemaphore(value: 0)
    Thread { t.run(); done.signal() }.start()
    var seen: [TrainingEvent] = []
    let deadline = Date().addingTimeInterval(60)
    while !seen.contains(where: { $0.kind == .pause }) && Date() < deadline {
      seen += t.drainEvents()
      Thread.sleep(forTimeInterval: 0.05)
    }
    XCTAssertTrue(seen.contains { $0.kind == .pause }, "no pause after repeated non-finite losses")
    let alerts = seen.compactMap(\.alertMessage).filter { $0.contains("update skipped") }
    XCTAssertGreaterThanOrEqual(alerts.count, 3)
    let optimizerSteps = t.optimizer.step
    try send(.stop, id: "stop", to: dir)
    XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
    XCTAssertEqual(t.optimizer.step, optimizerSteps, "no update after the pause")
    for p in t.model.parameters.all { XCTAssertFalse(p.value.toArray().contains { $0.isNaN }, p.name) }
  }

  func testCorruptCheckpointGivesOneClearError() throws {
    let dir = tempDir("corrupt")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/bad.safetensors"
    try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try Checkpoint.config(at: path)) { e in
      XCTAssertTrue("\(e)".contains(path), "\(e)")
      XCTAssertFalse("\(e)".contains("\n"))
    }
  }

  /// A micro DiT whose epoch is 3 steps of 20 000 images.
  func microConfig(steps: Int) -> TrainConfig {
    var c = tinyConfig(steps: steps)
    c.batch = 20_000
    (c.model.hidden, c.model.depth, c.model.heads, c.model.patch) = (16, 1, 2, 7)
    c.checkpointEveryMinutes = 0
    return c
  }

  func microTrainer(_ dir: String, steps: Int, sampleEvery: Int = 0, sampler: String = "ddim:2") throws -> Trainer {
    var c = microConfig(steps: steps)
    c.sampleEveryEpochs = sampleEvery
    c.sampler = sampler
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 20_000, seed: 1, hflip: false)
    return try Trainer(config: c, runDirectory: dir, data: data)
  }

  /// Commands are answered by id; a β that leaves no channel on is rejected at once with the reason, an
  /// invalid α too; the valid β is staged and applies at the epoch boundary.
  func testStagedChangeAppliesAtEpochBoundaryAndEveryCommandIsAnswered() throws {
    let dir = tempDir("steer")
    let t = try microTrainer(dir, steps: 6)
    try send(.stage(.beta, 0.5), id: "b", to: dir)
    try send(.stage(.alpha, -1), id: "a", to: dir)
    try send(.stage(.beta, 0.01), id: "tiny-beta", to: dir)
    t.run()
    let ev = try events(dir)
    let answers = Dictionary(uniqueKeysWithValues: ev.compactMap { e -> (String, CommandAnswer)? in
      if case .command(let a) = e.payload { return (a.id, a) }
      return nil
    })
    XCTAssertEqual(answers["b"]?.status, .staged)
    XCTAssertEqual(answers["a"]?.status, .rejected)
    XCTAssertTrue(answers["a"]?.reason?.contains("alpha must be a number > 0") == true, "\(answers)")
    XCTAssertEqual(answers["tiny-beta"]?.status, .rejected)
    XCTAssertTrue(answers["tiny-beta"]?.reason?.contains("leaves no channel on in blocks.0 (16 channels)") == true, "\(answers)")
    let changes = ev.compactMap { e -> (Int, HparamChange)? in
      if case .hparamChange(let c) = e.payload { return (e.step, c) }
      return nil
    }
    XCTAssertEqual(changes.count, 1)
    XCTAssertEqual(changes.first?.1.name, .beta)
    XCTAssertEqual(changes.first?.1.new, 0.5)
    XCTAssertEqual(changes.first?.1.epoch, 2, "the first epoch trained with it, 1-based")
    XCTAssertEqual(changes.first?.0, 3)
    XCTAssertEqual(t.model.masks[0].width, 8)
  }

  /// The epoch's checkpoint and sample grid use the masks the epoch trained with; the staged β applies
  /// after them, and the checkpoint records it as still staged (a resume from it applies it first).
  func testEpochEndSamplesAndCheckpointsBeforeApplyingStagedChanges() throws {
    let dir = tempDir("epoch-order")
    let t = try microTrainer(dir, steps: 6, sampleEvery: 1, sampler: "ddpm:100")
    try send(.stage(.beta, 0.5), id: "b", to: dir)
    t.run()
    let kinds = try events(dir).filter { $0.step == 3 }.map(\.kind)
    let firstChange = try XCTUnwrap(kinds.firstIndex(of: .hparamChange))
    XCTAssertLessThan(try XCTUnwrap(kinds.firstIndex(of: .checkpoint)), firstChange, "\(kinds)")
    XCTAssertLessThan(try XCTUnwrap(kinds.firstIndex(of: .samples)), firstChange, "\(kinds)")
    let epochOne = try SafeTensorsFile.read(from: dir + "/ckpt-00000003.safetensors")
    XCTAssertEqual(try epochOne.values("routing.blocks.0", as: Float.self).prefix(16).filter { $0 != 0 }.count,
                   12, "epoch 1 trained with beta 0.8: 12 of 16 channels")
    XCTAssertEqual(epochOne.metadata["staged"], "beta=0.5")
    let epochTwo = try SafeTensorsFile.read(from: dir + "/ckpt-00000006.safetensors")
    XCTAssertEqual(try epochTwo.values("routing.blocks.0", as: Float.self).prefix(16).filter { $0 != 0 }.count, 8)

    // Resuming from the epoch-1 checkpoint applies the staged β before training epoch 2.
    let resumed = tempDir("epoch-order-resume")
    try FileManager.default.createDirectory(atPath: resumed, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dir + "/ckpt-00000003.safetensors", toPath: resumed + "/last.safetensors")
    var c = microConfig(steps: 6)
    c.sampleEveryEpochs = 0
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 20_000, seed: 1, hflip: false)
    let r = try Trainer(config: c, runDirectory: resumed, data: data, resumeFrom: resumed + "/last.safetensors")
    r.run()
    let applied = try events(resumed).first { $0.kind == .hparamChange }
    XCTAssertEqual(applied?.step, 3)
    for (p, q) in zip(t.model.parameters.all, r.model.parameters.all) {
      XCTAssertEqual(p.value.toArray(), q.value.toArray(), p.name)
    }
  }

  /// Unstaging answers and announces the withdrawal, so every view drops it.
  func testUnstageIsAnnouncedAndGarbageLinesAreSkippedWithAnAlert() throws {
    let dir = tempDir("unstage")
    let t = try microTrainer(dir, steps: 3)
    try send(.stage(.lr, 2e-4), id: "s", to: dir)
    try send(.unstage(.lr), id: "u", to: dir)
    try send(.unstage(.alpha), id: "u2", to: dir)
    let handle = try XCTUnwrap(FileHandle(forWritingAtPath: RunFolder(dir).control))
    handle.seekToEndOfFile()
    handle.write(Data("this is not json\n{\"cmd\":\"stage\",\"id\":\"x\"}\n".utf8))
    try handle.close()
    t.run()
    let ev = try events(dir)
    XCTAssertTrue(ev.contains { if case .hparamUnstaged(let u) = $0.payload { return u.name == .lr && u.reason == "user" }; return false })
    XCTAssertFalse(ev.contains { $0.kind == .hparamChange })
    let answers = ev.compactMap { e -> CommandAnswer? in if case .command(let a) = e.payload { return a }; return nil }
    XCTAssertEqual(answers.map(\.id), ["s", "u", "u2"])
    XCTAssertEqual(answers.map(\.status), [.staged, .applied, .rejected])
    XCTAssertEqual(ev.compactMap(\.alertMessage).filter { $0.contains("control.jsonl: skipped") }.count, 2)
  }

  /// A second trainer on the same run directory is refused at once, naming the first one's pid, and
  /// touches nothing; once the first is gone its lock is taken over.
  func testOneTrainerPerRunDirectory() throws {
    let dir = tempDir("lock")
    var first: Trainer? = try microTrainer(dir, steps: 3)
    first!.run()
    let before = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8)
    XCTAssertThrowsError(try microTrainer(dir, steps: 3)) { e in
      XCTAssertTrue("\(e)".contains("being trained by pid \(getpid()) on "), "\(e)")
    }
    XCTAssertEqual(try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8), before)
    XCTAssertEqual(RunLock.holder(of: dir)?.pid, getpid())
    first = nil
    XCTAssertNil(RunLock.holder(of: dir))
    XCTAssertNoThrow(try microTrainer(dir, steps: 3))
  }

  /// The control file is truncated once consumed past its size limit, and lines keep arriving after.
  func testControlFileIsTruncatedAfterConsumption() throws {
    let dir = tempDir("truncate")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let folder = RunFolder(dir)
    let inbox = ControlChannel.Inbox(folder: folder)
    var received = 0
    for i in 0..<2000 {
      try ControlChannel.send(ControlCommand(id: "c\(i)", .stage(.lr, 1e-4)), to: folder)
      if i % 100 == 99 { received += inbox.poll().count }
    }
    received += inbox.poll().count
    XCTAssertEqual(received, 2000)
    let size = try FileManager.default.attributesOfItem(atPath: folder.control)[.size] as? Int ?? -1
    XCTAssertLessThanOrEqual(size, ControlChannel.truncateAbove + 4096)
  }
}

extension TrainingEvent {
  /// The message of an alert.
  var alertMessage: String? {
    if case .alert(let a) = payload { return a.message }
    return nil
  }
}
