import DTRDiffusion
import DTREngine
import XCTest

/// Samplers against closed forms on toys whose optimal ε is known analytically.
final class SamplerTests: XCTestCase {
  let schedule = NoiseSchedule(.linear, T: 1000)

  /// Data that is a single point c: the optimal ε̂(x_t, t) = (x_t − √ᾱ_t·c)/√(1 − ᾱ_t), so every sampler
  /// must land on c exactly (up to float rounding), whatever the noise.
  func oracle(_ c: [Float]) -> Denoiser {
    { x, t, _, out in
      let per = c.count
      for n in 0..<t.count {
        let ab = self.schedule.alphasCumprod[t[n]]
        for j in 0..<per {
          out.data[n * per + j] = Float((Double(x.data[n * per + j]) - ab.squareRoot() * Double(c[j])) / (1 - ab).squareRoot())
        }
      }
    }
  }

  func testEverySamplerRecoversAPointMass() {
    let c: [Float] = [0.5, -0.25, 0.75, 0, -0.9, 0.1]
    for spec in ["ddim:50", "ddim:10:1.0", "ddpm:1000", "ddpm:100", "ddim:1000"] {
      let s = Sampler(parsing: spec)!
      let x = Tensor([2, 1, 1, 6])
      var rng = SplitMix64(seed: 3)
      rng.fillNormal(x.data, count: x.count)
      s.sample(model: oracle(c), schedule: schedule, x: x, labels: [0, 0], nullClass: 0, rng: &rng)
      for n in 0..<2 {
        for j in 0..<6 { XCTAssertEqual(x.data[n * 6 + j], c[j], accuracy: 2e-3, "\(spec)") }
      }
    }
  }

  /// Data N(0, σ²): the optimal ε̂ is linear, ε̂ = √(1−ᾱ)·x_t/(ᾱσ² + 1 − ᾱ); ancestral sampling with it
  /// must reproduce the data distribution (mean 0, spread σ; FIXED_LARGE variance, clipping never hit).
  func testDDPMMatchesAGaussianDataDistribution() {
    let sigma = 0.5
    let model: Denoiser = { x, t, _, out in
      for n in 0..<t.count {
        let ab = self.schedule.alphasCumprod[t[n]]
        let k = Float((1 - ab).squareRoot() / (ab * sigma * sigma + 1 - ab))
        for j in 0..<(x.count / t.count) { out.data[n * (x.count / t.count) + j] = k * x.data[n * (x.count / t.count) + j] }
      }
    }
    let n = 4000
    let x = Tensor([n, 1, 1, 1])
    var rng = SplitMix64(seed: 5)
    rng.fillNormal(x.data, count: n)
    Sampler(.ddpm, steps: 250).sample(model: model, schedule: schedule, x: x, labels: Array(repeating: 0, count: n),
                                      nullClass: 0, rng: &rng)
    let v = x.toArray().map { Double($0) }
    let mean = v.reduce(0, +) / Double(n)
    let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    XCTAssertEqual(mean, 0, accuracy: 0.05)
    XCTAssertEqual(std, sigma, accuracy: 0.05)
  }

  func testSamplingFromGivenNoiseIsDeterministicAndCallsOriginalTimesteps() {
    var seen = Set<Int>()
    let model: Denoiser = { x, t, _, out in
      seen.formUnion(t)
      for i in 0..<x.count { out.data[i] = 0.1 * x.data[i] }
    }
    func run() -> [Float] {
      let x = Tensor([3, 1, 2, 2], (0..<12).map { Float($0) / 12 - 0.5 })
      var rng = SplitMix64(seed: 9)
      Sampler(.ddim, steps: 25).sample(model: model, schedule: schedule, x: x, labels: [0, 1, 2], cfgScale: 1.5,
                                       nullClass: 3, rng: &rng)
      return x.toArray()
    }
    XCTAssertEqual(run(), run())
    XCTAssertEqual(seen, Set(schedule.evenlySpaced(25)))
    XCTAssertTrue(seen.contains(999) && seen.contains(0))
  }

  func testRespacingAndLossWeights() {
    XCTAssertEqual(schedule.evenlySpaced(4), [0, 333, 666, 999])
    let sub = schedule.respaced([0, 500, 999])
    XCTAssertEqual(sub.alphasCumprod[1], schedule.alphasCumprod[500], accuracy: 1e-12)
    XCTAssertEqual(LossWeighting(parsing: "min-snr:5")!.weight(999, schedule), 1, accuracy: 1e-12)
    let snr0 = schedule.snr(0)
    XCTAssertEqual(LossWeighting(parsing: "min-snr:5")!.weight(0, schedule), 5 / snr0, accuracy: 1e-12)
    XCTAssertEqual(LossWeighting(parsing: "p2:1,1")!.weight(10, schedule), 1 / (1 + schedule.snr(10)), accuracy: 1e-12)
    XCTAssertNil(LossWeighting(parsing: "min-snr:-1"))
    XCTAssertNil(Sampler(parsing: "ddpm:50:0.5"))
    XCTAssertEqual(NoiseSchedule(.cosine).betas.max()!, 0.999, accuracy: 1e-12)
  }
}
