import DTRData
import DTRDiffusion
import DTREvaluation
import DTRMetrics
import XCTest

final class FIDProbeTests: XCTestCase {
  /// The probe draws the same samples on every call (common random numbers), names its sample count, and
  /// follows the model it is given: another network scores differently, and a random network's samples
  /// score worse than as many real training images.
  func testProbeRepeatsExactlyAndFollowsTheModel() throws {
    let evaluator = try ShippedEvaluator.required()
    _ = try ShippedEvaluator.dataset(.test)
    let train = try ShippedEvaluator.dataset(.train)
    let model = randomisedTinyDiT(seed: 2)
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

    let other = try probe.measure(model: randomisedTinyDiT(seed: 3), schedule: NoiseSchedule(.linear))
    XCTAssertNotEqual(other.fid, first.fid, "the probe must score the model it is given")
    let realFeatures = evaluator.features(images: ShippedEvaluator.images(train, count: 20)).features
    let real = try FrechetDistance(FeatureStatistics(realFeatures), probe.reference.statistics).value
    XCTAssertGreaterThan(first.fid, 2 * real, "FID-20 of a random network's samples vs of 20 training images")
  }
}
