import DTREngine
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

  func testTinyPresetTrains200StepsWithFallingLoss() throws { try trains200Steps("tiny") }

  func testUNetTinyPresetTrains200StepsWithFallingLoss() throws { try trains200Steps("unet-tiny") }

  func trains200Steps(_ preset: String) throws {
    let dir = tempDir("e2e-\(preset)")
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 42, hflip: false)
    let trainer = try Trainer(config: tinyConfig(steps: 200, preset: preset), runDirectory: dir, data: data)
    XCTAssertEqual(trainer.run(), "finished")
    let losses = try events(dir).filter { $0.kind == .step }.compactMap { $0.double("loss") }
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
    trainer.send(.stop)
    trainer.evaluate()
    trainer.writeSampleGrid()
    let alerts = trainer.drainEvents().filter { $0.kind == .alert }.compactMap { $0.string("message") }
    XCTAssertTrue(alerts.contains { $0.contains("evaluation cancelled") }, "\(alerts)")
    XCTAssertEqual(trainer.run(), "stopped", "the stop is still handled after the cancelled evaluation")
    XCTAssertFalse(try events(dir).contains { $0.kind == .eval || $0.kind == .samples })
    XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix("samples-") })
  }

  func testResumeIsBitExact() throws { try resumesBitExactly("tiny") }

  func testUNetResumeIsBitExact() throws { try resumesBitExactly("unet-tiny") }

  func resumesBitExactly(_ preset: String) throws {
    let straight = tempDir("straight-\(preset)"), split = tempDir("split-\(preset)")
    func batches() throws -> FashionMNISTBatches {
      try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 32, seed: 42, hflip: true)
    }
    let a = try Trainer(config: tinyConfig(steps: 40, preset: preset), runDirectory: straight, data: try batches())
    a.run()
    let b1 = try Trainer(config: tinyConfig(steps: 20, preset: preset), runDirectory: split, data: try batches())
    b1.run()
    let b2 = try Trainer(config: tinyConfig(steps: 40, preset: preset), runDirectory: split, data: try batches(),
                         resumeFrom: split + "/last.safetensors")
    b2.run()
    XCTAssertEqual(b2.state.step, 40)
    for (p, q) in zip(a.model.parameters.all, b2.model.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), p.name)
    }
    for (p, q) in zip(a.ema.parameters.all, b2.ema.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), "ema " + p.name)
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
    let alerts = seen.filter { $0.kind == .alert && ($0.string("message") ?? "").contains("update skipped") }
    XCTAssertGreaterThanOrEqual(alerts.count, 3)
    let optimizerSteps = t.optimizer.step
    t.send(.stop)
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

  func testStagedChangeAppliesAtEpochBoundaryAndIsLogged() throws {
    let dir = tempDir("steer")
    var c = tinyConfig(steps: 6)
    c.batch = 20_000  // 3 batches per epoch
    c.model.hidden = 16
    c.model.depth = 1
    c.model.heads = 2
    c.model.patch = 7
    let data = try FashionMNISTBatches(directory: "/usr/share/datasets/fashion-mnist", batch: 20_000, seed: 1, hflip: false)
    let t = try Trainer(config: c, runDirectory: dir, data: data)
    t.send(.stage(.beta, 0.5))
    t.send(.stage(.alpha, -1))
    t.run()
    let ev = try events(dir)
    XCTAssertTrue(ev.contains { $0.kind == .alert && ($0.string("message") ?? "").contains("alpha must be > 0") })
    let change = try XCTUnwrap(ev.first { $0.kind == .hparamChange })
    XCTAssertEqual(change.string("name"), "beta")
    XCTAssertEqual(change.double("new"), 0.5)
    XCTAssertEqual(change.step, 3)
    XCTAssertEqual(t.model.masks[0].width, 8)
  }
}
