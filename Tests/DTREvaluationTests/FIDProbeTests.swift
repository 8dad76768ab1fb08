import DTRData
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRMetrics
import DTRModels
import XCTest

final class FIDProbeTests: XCTestCase {
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
