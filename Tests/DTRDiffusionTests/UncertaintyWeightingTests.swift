import DTRDiffusion
import DTREngine
import XCTest

/// ANT-UW and stratified timestep sampling (dtr-spec.md §6).
final class UncertaintyWeightingTests: XCTestCase {
  /// ∂L/∂s_k against central differences of L in float64.
  func testLogVarianceGradientMatchesFiniteDifferences() {
    let uw = UncertaintyWeighting(timesteps: 1000)
    let s: [Float] = [0, 0.5, -0.3, 1.2, -1, 0.1, 2, -0.7]
    for k in 0..<8 { uw.logVariance.value[k] = s[k] }
    let l = [0.9, 0.4, 0.2, 0.1, 0.05, 0.03, 0.02, 0.01]
    let analytic = uw.gradient(intervalLosses: l)
    for k in 0..<8 {
      let h: Float = 1e-2
      uw.logVariance.value[k] = s[k] + h
      let plus = uw.loss(intervalLosses: l)
      uw.logVariance.value[k] = s[k] - h
      let minus = uw.loss(intervalLosses: l)
      uw.logVariance.value[k] = s[k]
      let numeric = (plus - minus) / Double(2 * h)
      XCTAssertEqual(analytic[k], numeric, accuracy: 1e-4 * max(1, abs(numeric)), "s_\(k)")
    }
    // A wrong sign would be caught: the gradient is not symmetric in s.
    XCTAssertNotEqual(analytic[3], -analytic[3], accuracy: 1e-3)
  }

  /// The per-sample weights make the network's weighted mean equal the UW objective's data term.
  func testSampleWeightsReproduceTheObjective() {
    let uw = UncertaintyWeighting(timesteps: 1000)
    for k in 0..<8 { uw.logVariance.value[k] = Float(k) * 0.2 - 0.5 }
    var rng = SplitMix64(seed: 4)
    for B in [64, 20] {
      var ts = [Int](repeating: 0, count: B)
      TimestepSampler.stratified.draw(&ts, timesteps: 1000, rng: &rng)
      let perSample = (0..<B).map { _ in Float(rng.nextDouble()) }
      var w = [Float](repeating: 0, count: B)
      w.withUnsafeMutableBufferPointer { uw.weights(timesteps: ts, into: $0.baseAddress!) }
      let weighted = (0..<B).reduce(0.0) { $0 + Double(w[$1] * perSample[$1]) } / Double(B)
      let l = perSample.withUnsafeBufferPointer { uw.intervalLosses(timesteps: ts, perSample: $0.baseAddress!) }
      let sHalf = (0..<8).reduce(0.0) { $0 + 0.5 * Double(uw.logVariance.value[$1]) }
      XCTAssertEqual(weighted + sHalf, uw.loss(intervalLosses: l), accuracy: 1e-6, "B = \(B)")
    }
  }

  /// Every interval is in every batch, in interval order; uneven batches differ by at most one.
  func testStratifiedSamplerPutsEveryIntervalInEveryBatch() {
    let uw = UncertaintyWeighting(timesteps: 1000)
    var rng = SplitMix64(seed: 9)
    for (B, expected) in [(64, [8, 8, 8, 8, 8, 8, 8, 8]), (20, [3, 3, 3, 3, 2, 2, 2, 2])] {
      for _ in 0..<50 {
        var ts = [Int](repeating: -1, count: B)
        TimestepSampler.stratified.draw(&ts, timesteps: 1000, rng: &rng)
        XCTAssertTrue(ts.allSatisfy { (0..<1000).contains($0) })
        XCTAssertEqual(ts.map(uw.interval), ts.map(uw.interval).sorted(), "interval order")
        XCTAssertEqual((0..<8).map { k in ts.filter { uw.interval(of: $0) == k }.count }, expected)
      }
    }
    XCTAssertEqual([0, 124, 125, 249, 250, 999].map(uw.interval), [0, 0, 1, 1, 2, 7])
    let odd = UncertaintyWeighting(timesteps: 10)  // intervals [0,1) [1,2) [2,3) [3,5) [5,6) [6,7) [7,8) [8,10)
    XCTAssertEqual((0..<10).map(odd.interval), [0, 1, 2, 3, 3, 4, 5, 6, 7, 7])
  }

  func testAntUWParsesAndTrainsTheLogVariances() {
    XCTAssertEqual(LossWeighting(parsing: "ant-uw"), .antUW)
    XCTAssertEqual(LossWeighting.antUW.description, "ant-uw")
    let uw = UncertaintyWeighting(timesteps: 1000)
    let l = [Double](repeating: 0.1, count: 8)  // e^{-s}·ℓ < 1: s decreases (up-weighting the interval)
    for _ in 0..<10 { uw.update(intervalLosses: l) }
    XCTAssertLessThan(uw.logVariance.value[0], -0.2)
    XCTAssertEqual(uw.optimizer.lr, 0.025)
  }
}
