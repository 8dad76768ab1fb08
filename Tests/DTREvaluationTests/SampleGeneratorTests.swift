import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import XCTest

final class SampleGeneratorTests: XCTestCase {
  func testBalancedLabelsCycleThroughTheClassesOrUseTheNullLabel() {
    var config = ModelConfig()
    XCTAssertEqual(SampleGenerator.balancedLabels(count: 23, config: config).filter { $0 == 3 }.count, 2)
    let counts = Dictionary(grouping: SampleGenerator.balancedLabels(count: 2000, config: config)) { $0 }.mapValues(\.count)
    XCTAssertEqual(counts, Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 200) }))
    config.numClasses = 0
    XCTAssertEqual(Set(SampleGenerator.balancedLabels(count: 5, config: config)), [config.nullClass])
  }

  /// A stop arriving mid-sampling ends generation at the next model step with CancellationError.
  func testGenerationStopsAtTheNextStepWhenCancelled() {
    let model = randomisedTinyDiT(seed: 1)
    var asked = 0
    XCTAssertThrowsError(try SampleGenerator(sampler: Sampler(.ddim, steps: 10), cfgScale: 1.5, seed: 9, batch: 4)
      .generate(model: model, schedule: NoiseSchedule(.linear), count: 12, isCancelled: {
        asked += 1
        return asked > 13
      })) { XCTAssertTrue($0 is CancellationError) }
    XCTAssertEqual(asked, 14, "batch 1 ran its 10 steps, batch 2 stopped before its 4th")
  }

  /// With a network whose output depends on its input and labels, samples drawn in batches of 4 (+2) and 1
  /// equal those drawn in one batch of 6 up to float32 rounding, which DDIM's first step amplifies by
  /// 1/√ᾱ ≈ 150; a sample given another label or noise moves by far more than that tolerance.
  func testSamplesDoNotDependOnTheBatchSize() throws {
    let model = randomisedTinyDiT(seed: 1)
    func draw(batch: Int, seed: UInt64 = 9, labels: [Int] = [0, 1, 2, 3, 4, 5]) throws -> [Float] {
      try SampleGenerator(sampler: Sampler(.ddim, steps: 2), cfgScale: 1.5, seed: seed, batch: batch)
        .generate(model: model, schedule: NoiseSchedule(.linear), labels: labels).toArray()
    }
    func largestDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max()! }
    let whole = try draw(batch: 6), tolerance: Float = 2e-3
    for batch in [4, 1] {
      XCTAssertLessThan(largestDifference(try draw(batch: batch), whole), tolerance, "batch \(batch)")
    }
    XCTAssertGreaterThan(largestDifference(try draw(batch: 6, labels: [1, 2, 3, 4, 5, 6]), whole), 50 * tolerance)
    XCTAssertGreaterThan(largestDifference(try draw(batch: 6, seed: 10), whole), 50 * tolerance)
  }

  /// Given initial noise equal to the seed's own stream gives the images the seed gives, and other noise
  /// gives other images: `dtr sample --noise` and `--seed` share one path.
  func testGivenInitialNoiseReplacesTheSeededNoise() throws {
    let model = randomisedTinyDiT(seed: 2)
    let generator = SampleGenerator(sampler: Sampler(.ddpm, steps: 3), cfgScale: 2, seed: 5, batch: 3)
    let labels = [7, 0, 3, 3]
    let seeded = try generator.generate(model: model, schedule: NoiseSchedule(.linear), labels: labels)
    let noise = Tensor([4, 1, 28, 28])
    var stream = SplitMix64(seed: 5)
    stream.fillNormal(noise.data, count: noise.count)
    let given = try generator.generate(model: model, schedule: NoiseSchedule(.linear), labels: labels, initialNoise: noise)
    XCTAssertEqual(given.toArray(), seeded.toArray())
    noise.data[0] += 1
    let other = try generator.generate(model: model, schedule: NoiseSchedule(.linear), labels: labels, initialNoise: noise)
    XCTAssertNotEqual(other.toArray(), seeded.toArray())
  }
}
