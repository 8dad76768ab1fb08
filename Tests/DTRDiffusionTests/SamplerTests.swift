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
    for spec in ["ddim:50", "ddim:10:1.0", "ddpm:1000", "ddpm:100", "ddim:1000", "dpmpp2m:10", "dpmpp2m:1"] {
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

  /// Data N(μ, σ²): the optimal ε̂ is linear, ε̂ = √(1−ᾱ)·(x_t − √ᾱ·μ)/(ᾱσ² + 1 − ᾱ).
  func gaussianOracle(mu: Double, sigma: Double) -> Denoiser {
    { x, t, _, out in
      let per = x.count / t.count
      for n in 0..<t.count {
        let ab = self.schedule.alphasCumprod[t[n]]
        let k = (1 - ab).squareRoot() / (ab * sigma * sigma + 1 - ab)
        for j in 0..<per {
          out.data[n * per + j] = Float(k * (Double(x.data[n * per + j]) - ab.squareRoot() * mu))
        }
      }
    }
  }

  /// The exact mean and variance a sampler's output must have with the Gaussian oracle, from N(0, 1)
  /// noise, computed from the papers' update rules (not the sampler's code): every step is affine in x_t
  /// plus independent noise, so (mean, variance) propagate in closed form. With μ = 0.1, σ = 0.2 the
  /// predicted x̂0 stays within 4.5 σ of μ, so x̂0's clip to [−1, 1] is not hit (it is for wide data).
  func predictedMoments(_ sampler: Sampler, mu: Double, sigma: Double, smallVariance: Bool = false) -> (Double, Double) {
    let kept = schedule.evenlySpaced(sampler.steps)
    var m = 0.0, v = 1.0
    for i in stride(from: kept.count - 1, through: 0, by: -1) {
      let ab = schedule.alphasCumprod[kept[i]], abPrev = i > 0 ? schedule.alphasCumprod[kept[i - 1]] : 1
      let k = (1 - ab).squareRoot() / (ab * sigma * sigma + 1 - ab)
      // ε̂ = k·x − k·√ᾱ·μ and x̂0 = (x − √(1−ᾱ)·ε̂)/√ᾱ = a0·x + b0.
      let a0 = (1 - (1 - ab).squareRoot() * k) / ab.squareRoot(), b0 = (1 - ab).squareRoot() * k * mu
      let a: Double, b: Double, noiseVar: Double
      let beta = 1 - ab / abPrev
      switch sampler.kind {
      case .ddpm:  // posterior mean μ̃ = √ᾱ'β/(1−ᾱ)·x̂0 + √(1−β)(1−ᾱ')/(1−ᾱ)·x_t (Ho et al. eq. 7)
        let c0 = abPrev.squareRoot() * beta / (1 - ab), ct = (1 - beta).squareRoot() * (1 - abPrev) / (1 - ab)
        (a, b) = (c0 * a0 + ct, c0 * b0)
        noiseVar = i == 0 ? 0 : (smallVariance ? beta * (1 - abPrev) / (1 - ab) : beta)
      case .ddim:  // x' = √ᾱ'·x̂0 + √(1−ᾱ'−s²)·ε̂ + s·z (Song et al. eq. 12)
        let s2 = i == 0 ? 0 : sampler.eta * sampler.eta * (1 - abPrev) / (1 - ab) * beta
        let d = (1 - abPrev - s2).squareRoot()
        (a, b) = (abPrev.squareRoot() * a0 + d * k, abPrev.squareRoot() * b0 - d * k * ab.squareRoot() * mu)
        noiseVar = s2
      case .dpmpp2m:
        preconditionFailure("DPM-Solver++ has its own closed-form tests (DPMSolverTests)")
      }
      (m, v) = (a * m + b, a * a * v + noiseVar)
    }
    return (m, v)
  }

  /// DDPM (full and respaced, FIXED_LARGE variance) and DDIM (η = 0 and 1) on Gaussian data: the samples'
  /// mean and variance match the closed form within 5 standard errors (n = 20000: 0.0071σ̂ for the mean,
  /// 5·√(2/n) = 5% for the variance), and the closed form matches the data within the discretisation
  /// error of each sampler (deterministic DDIM-50 narrows this narrow Gaussian by 12%). A wrong
  /// intermediate coefficient shifts the moments by far more.
  func testSamplersReproduceGaussianDataMoments() {
    let mu = 0.1, sigma = 0.2, n = 20000
    for (spec, dataTolerance) in [("ddpm:1000", 0.02), ("ddpm:50", 0.25), ("ddim:50", 0.15), ("ddim:50:1.0", 0.25)] {
      let sampler = Sampler(parsing: spec)!
      let x = Tensor([n, 1, 1, 1])
      var rng = SplitMix64(seed: 5)
      rng.fillNormal(x.data, count: n)
      sampler.sample(model: gaussianOracle(mu: mu, sigma: sigma), schedule: schedule, x: x,
                     labels: Array(repeating: 0, count: n), nullClass: 0, rng: &rng)
      let values = x.toArray().map { Double($0) }
      let mean = values.reduce(0, +) / Double(n)
      let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
      let (pm, pv) = predictedMoments(sampler, mu: mu, sigma: sigma)
      XCTAssertEqual(mean, pm, accuracy: 5 * (pv / Double(n)).squareRoot(), spec)
      XCTAssertEqual(variance / pv, 1, accuracy: 5 * (2 / Double(n)).squareRoot(), spec)
      XCTAssertEqual(pm, mu, accuracy: 1e-3, "\(spec): closed-form mean")
      XCTAssertEqual(pv.squareRoot() / sigma, 1, accuracy: dataTolerance, "\(spec): closed-form spread")
      if sampler.kind == .ddpm && sampler.steps < 1000 {
        // Pins FIXED_LARGE: FIXED_SMALL would give a measurably different spread at 50 steps.
        let (_, smallV) = predictedMoments(sampler, mu: mu, sigma: sigma, smallVariance: true)
        XCTAssertGreaterThan(abs(smallV - pv) / pv, 20 * (2 / Double(n)).squareRoot(), "\(spec): test not decisive")
      }
    }
  }

  /// Guidance with an analytic conditional model: class y is a point mass at c_y and "no class" one at
  /// c_∅. The oracle ε is affine in the point, so the guided ε̂_∅ + s(ε̂_y − ε̂_∅) is the oracle of the
  /// point c_∅ + s(c_y − c_∅), where every sampler must land, each sample with its own label.
  func testClassifierFreeGuidanceLandsOnTheGuidedPoint() {
    let points: [Int: [Float]] = [0: [0.3, -0.2], 1: [-0.35, 0.1], 2: [0.1, 0.3], 9: [0.05, -0.05]]
    let model: Denoiser = { x, t, y, out in
      for n in 0..<t.count {
        let ab = self.schedule.alphasCumprod[t[n]], c = points[y[n]]!
        for j in 0..<2 {
          out.data[n * 2 + j] = Float((Double(x.data[n * 2 + j]) - ab.squareRoot() * Double(c[j])) / (1 - ab).squareRoot())
        }
      }
    }
    for spec in ["ddim:50", "ddpm:250", "dpmpp2m:15"] {
      for scale in [1.0, 1.5, 2.5] {
        let labels = [2, 0, 1, 0]
        let x = Tensor([4, 1, 1, 2])
        var rng = SplitMix64(seed: 11)
        rng.fillNormal(x.data, count: x.count)
        Sampler(parsing: spec)!.sample(model: model, schedule: schedule, x: x, labels: labels, cfgScale: scale,
                                       nullClass: 9, rng: &rng)
        for (n, y) in labels.enumerated() {
          for j in 0..<2 {
            let guided = Double(points[9]![j]) + scale * Double(points[y]![j] - points[9]![j])
            XCTAssertEqual(Double(x.data[n * 2 + j]), guided, accuracy: 2e-3, "\(spec) s=\(scale) sample \(n)")
          }
        }
      }
    }
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
