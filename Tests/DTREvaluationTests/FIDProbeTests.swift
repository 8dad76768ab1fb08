import DTRData
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRMetrics
import DTRModels
import XCTest

final class FIDProbeTests: XCTestCase {
  func testBalancedLabels() {
    var config = ModelConfig()
    XCTAssertEqual(SampleGenerator.balancedLabels(count: 23, config: config).filter { $0 == 3 }.count, 2)
    let counts = Dictionary(grouping: SampleGenerator.balancedLabels(count: 2000, config: config)) { $0 }.mapValues(\.count)
    XCTAssertEqual(counts, Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 200) }))
    config.numClasses = 0
    XCTAssertEqual(Set(SampleGenerator.balancedLabels(count: 5, config: config)), [config.nullClass])
  }

  /// A stop arriving mid-sampling ends generation at the next model step with CancellationError.
  func testGenerationStopsAtTheNextStepWhenCancelled() {
    let model = ModelConfig.preset("tiny")!.build(seed: 1)
    var asked = 0
    XCTAssertThrowsError(try SampleGenerator(sampler: Sampler(.ddim, steps: 10), cfgScale: 1.5, seed: 9, batch: 4)
      .generate(model: model, schedule: NoiseSchedule(.linear), count: 12, isCancelled: {
        asked += 1
        return asked > 13
      })) { XCTAssertTrue($0 is CancellationError) }
    XCTAssertEqual(asked, 14, "batch 1 ran its 10 steps, batch 2 stopped before its 4th")
  }

  func testSamplesDoNotDependOnTheBatchSize() {
    let model = ModelConfig.preset("tiny")!.build(seed: 1)
    let schedule = NoiseSchedule(.linear)
    func draw(batch: Int) -> [Float] {
      try! SampleGenerator(sampler: Sampler(.ddim, steps: 2), cfgScale: 1.5, seed: 9, batch: batch)
        .generate(model: model, schedule: schedule, count: 6).toArray()
    }
    let whole = draw(batch: 6)
    for (a, b) in zip(draw(batch: 4), whole) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  func testProbeRepeatsExactlyAndNamesItsSampleCount() throws {
    let evaluator = try ShippedEvaluator.required()
    _ = try ShippedEvaluator.dataset(.test)
    let model = ModelConfig.preset("tiny")!.build(seed: 2)
    let probe = try FIDProbe(evaluator: evaluator, dataDirectory: FashionMNIST.defaultDirectory, samples: 20,
                             sampler: Sampler(.ddim, steps: 2), cfgScale: 1.5, batch: 8)
    XCTAssertEqual(probe.name, "FID-20")
    XCTAssertEqual(MetricSuite.fidName(samples: 2000), "FID-2k")
    var phases: [FIDProbe.Phase] = [], lastSampling = (0, 0)
    let first = try probe.measure(model: model, schedule: NoiseSchedule(.linear)) { done, total, phase in
      if phases.last != phase { phases.append(phase) }
      if phase == .sampling { lastSampling = (done, total) }
    }
    XCTAssertEqual(phases, [.sampling, .features, .metrics])
    XCTAssertEqual(lastSampling.0, lastSampling.1)
    XCTAssertEqual(lastSampling.1, 3 * 2)  // 3 batches × 2 steps
    let second = try probe.measure(model: model, schedule: NoiseSchedule(.linear))
    XCTAssertEqual(first.fid, second.fid)
    XCTAssertEqual(first.kid, second.kid)
    XCTAssertEqual(first.samples, 20)
    XCTAssertEqual(first.evaluator, EvaluatorFiles.tag)
    XCTAssertGreaterThan(first.fid, 10, "an untrained network's samples are far from the test set")
  }
}
