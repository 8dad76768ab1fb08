import DTRData
import DTREngine
import DTREvaluation
import DTRMetrics
import Foundation
import XCTest

final class EvaluatorTests: XCTestCase {
  func testShippedNetworkScoresAtLeast91PercentOnTheTestSet() throws {
    let evaluator = try ShippedEvaluator.required(), test = try ShippedEvaluator.dataset(.test)
    let started = Date()
    let accuracy = evaluator.network.accuracy(on: test)
    print(String(format: "evaluator accuracy %.4f on %d test images in %.1f s", accuracy, test.count,
                 Date().timeIntervalSince(started)))
    XCTAssertGreaterThanOrEqual(accuracy, 0.91)
  }

  func testCachedStatisticsMatchRecomputedFeatures() throws {
    let evaluator = try ShippedEvaluator.required()
    let reference = try evaluator.referenceSet()
    let recomputed = FeatureStatistics(reference.features)
    XCTAssertEqual(reference.features.rows, 10_000)
    // Same weights and pixels; only BLAS kernel/threading differences in float32 may separate them.
    let fid = try FrechetDistance(recomputed, evaluator.testStatistics)
    XCTAssertLessThan(abs(fid.value), 1e-4, "FID(recomputed test stats, cached) = \(fid.value)")
  }

  func testGeneratedPathEqualsDatasetPathOnRealImages() throws {
    // 8-bit images written as floats v/127.5 − 1 survive clamping and quantisation unchanged.
    let evaluator = try ShippedEvaluator.required(), test = try ShippedEvaluator.dataset(.test)
    let subset = ImageDataset(count: 64, height: 28, width: 28, pixels: Array(test.pixels.prefix(64 * 784)),
                              labels: Array(test.labels.prefix(64)))
    let fromDataset = evaluator.features(dataset: subset)
    let fromTensor = evaluator.features(images: ShippedEvaluator.images(test, count: 64))
    XCTAssertEqual(fromTensor.features.values, fromDataset.features.values)
    XCTAssertEqual(fromTensor.logits.values, fromDataset.logits.values)
  }

  func testDegradationsRaiseFIDMonotonically() throws {
    // 2000 training images (never seen by the test statistics) against the cached test statistics.
    let evaluator = try ShippedEvaluator.required(), train = try ShippedEvaluator.dataset(.train)
    let count = 2000
    let clean = ShippedEvaluator.images(train, count: count)
    func fid(_ images: Tensor) throws -> Double {
      try FrechetDistance(FeatureStatistics(evaluator.features(images: images).features), evaluator.testStatistics).value
    }
    func noisy(_ sigma: Float) -> Tensor {
      let out = clean.clone()
      var rng = SplitMix64(seed: 11)
      let noise = Tensor(out.shape)
      rng.fillNormal(noise.data, count: noise.count, std: sigma)
      for i in 0..<out.count { out.data[i] += noise.data[i] }
      return out
    }
    func blurred(_ radius: Int) -> Tensor {
      let out = Tensor(clean.shape)
      for n in 0..<count {
        for y in 0..<28 {
          for x in 0..<28 {
            var sum: Float = 0, pixels: Float = 0
            for dy in -radius...radius where (0..<28).contains(y + dy) {
              for dx in -radius...radius where (0..<28).contains(x + dx) {
                sum += clean.data[n * 784 + (y + dy) * 28 + x + dx]
                pixels += 1
              }
            }
            out.data[n * 784 + y * 28 + x] = sum / pixels
          }
        }
      }
      return out
    }
    let base = try fid(clean)
    let noise = try [0.05, 0.1, 0.2, 0.4].map { try fid(noisy($0)) }
    let blur = try [1, 2].map { try fid(blurred($0)) }
    let halfClasses = try fid(ShippedEvaluator.images(train, count: count) { $0 < 5 })
    let oneClass = try fid(ShippedEvaluator.images(train, count: count) { $0 == 0 })
    print("FID-2k train images: clean \(base), noise σ .05/.1/.2/.4 \(noise), box blur 3×3/5×5 \(blur), "
      + "classes 0–4 \(halfClasses), class 0 \(oneClass)")
    var previous = base
    for value in noise {
      XCTAssertGreaterThan(value, previous)
      previous = value
    }
    XCTAssertGreaterThan(blur[0], base)
    XCTAssertGreaterThan(blur[1], blur[0])
    XCTAssertGreaterThan(halfClasses, base)
    XCTAssertGreaterThan(oneClass, halfClasses)
  }
}
