import DTREngine
import DTRModels
import DTRTraining
import Foundation
import XCTest

final class TaskAffinityTests: XCTestCase {
  func microConfig() -> TrainConfig {
    var c = TrainConfig()
    c.model = ModelConfig.preset("tiny")!
    (c.model.hidden, c.model.depth, c.model.heads, c.model.patch) = (16, 1, 2, 7)
    c.seed = 3
    return c
  }

  /// A network with random (not zero-init) weights, so every bucket has a real gradient.
  func randomModel(_ c: TrainConfig) -> any DenoisingNetwork {
    let m = c.model.build(seed: 1)
    var rng = SplitMix64(seed: 8)
    for p in m.parameters.all { for i in 0..<p.value.count { p.value.data[i] += Float(rng.nextDouble() - 0.5) * 0.2 } }
    return m
  }

  /// The bucket gradients, averaged (the buckets hold equal samples), are the whole probe batch's gradient.
  func testBucketGradientsSumToTheFullBatchGradient() throws {
    let c = microConfig()
    let probe = try TaskAffinity(config: c, buckets: 4, perBucket: 6)
    let m = randomModel(c)
    let (_, grads) = probe.bucketGradients(m)
    let batch = probe.probe
    let out = Tensor(batch.noisy.shape), dOut = Tensor(batch.noisy.shape), per = Tensor([batch.t.count])
    m.forward(batch.noisy, t: batch.t, y: batch.y, out: out)
    _ = MSELossOp.forward(pred: out.data, target: batch.noise.data, batch: batch.t.count, perSampleCount: out.count / batch.t.count,
                          perSample: per.data)
    m.parameters.zeroGrad()
    MSELossOp.backward(pred: out.data, target: batch.noise.data, batch: batch.t.count, perSampleCount: out.count / batch.t.count,
                       dPred: dOut.data)
    m.backward(dOut)
    let full = m.parameters.trainable.flatMap { $0.grad.toArray() }
    var worst = 0.0, scale = 0.0
    for i in full.indices {
      let mean = grads.map { Double($0[i]) }.reduce(0, +) / 4
      worst = max(worst, abs(mean - Double(full[i])))
      scale = max(scale, abs(Double(full[i])))
    }
    XCTAssertLessThan(worst, 1e-4 * scale, "worst \(worst) of \(scale)")
  }

  func testCosineIsSymmetricWithUnitDiagonalAndZeroStepLookaheadIsZero() throws {
    let c = microConfig()
    let m = randomModel(c)
    let r = try TaskAffinity(config: c, buckets: 5, perBucket: 4, eta: 0).measure(m)
    for i in 0..<5 {
      XCTAssertEqual(r.cosine[i][i], 1, accuracy: 1e-9)
      for j in 0..<5 {
        XCTAssertEqual(r.cosine[i][j], r.cosine[j][i], accuracy: 1e-12)
        XCTAssertEqual(r.lookahead[i][j], 0, accuracy: 1e-12, "η = 0 moves nothing")
      }
    }
    XCTAssertEqual(r.edges, [0, 200, 400, 600, 800, 1000])
    let moved = try TaskAffinity(config: c, buckets: 5, perBucket: 4, eta: 1e-2).measure(m)
    XCTAssertGreaterThan((0..<5).map { moved.lookahead[$0][$0] }.min()!, 0, "a step on a bucket's own gradient lowers its loss")
  }

  /// Measuring every 10 steps leaves training bit-identical to not measuring at all.
  func testMeasuringLeavesTrainingBitIdentical() throws {
    func train(every: Int, _ name: String) throws -> (Trainer, [TrainingEvent]) {
      var c = microConfig()
      (c.batch, c.steps, c.sampleEveryEpochs, c.evalEveryEpochs, c.checkpointEveryMinutes) = (32, 30, 0, 0, 0)
      c.affinityEverySteps = every
      let dir = NSTemporaryDirectory() + "dtr-affinity-\(name)-\(getpid())"
      try? FileManager.default.removeItem(atPath: dir)
      let data = try FashionMNISTBatches(directory: c.dataDir, batch: 32, seed: 3, hflip: true)
      let t = try Trainer(config: c, runDirectory: dir, data: data)
      t.run()
      return (t, t.drainEvents())
    }
    let (a, eventsA) = try train(every: 10, "on")
    let (b, _) = try train(every: 0, "off")
    XCTAssertEqual(eventsA.filter { $0.kind == .affinity }.map(\.step), [10, 20, 30])
    for (p, q) in zip(a.model.parameters.all, b.model.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), p.name)
    }
    for (p, q) in zip(a.ema.parameters.all, b.ema.parameters.all) {
      XCTAssertEqual(p.value.toArray().map(\.bitPattern), q.value.toArray().map(\.bitPattern), "ema " + p.name)
    }
    XCTAssertEqual(a.optimizer.m.map { $0.toArray() }, b.optimizer.m.map { $0.toArray() })
    XCTAssertEqual(a.state, b.state)
  }
}
