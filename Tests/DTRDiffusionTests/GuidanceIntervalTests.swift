import DTRDiffusion
import DTREngine
import XCTest

/// ``GuidanceInterval``: its spelling in sampler specs, which calls it guides, and that outside the
/// interval the model runs once, conditionally, so the result is the unguided one there.
final class GuidanceIntervalTests: XCTestCase {
  let schedule = NoiseSchedule(.linear, T: 1000)

  func testSpellingRoundTripsAndBadIntervalsAreRejected() {
    for spec in ["dpmpp2m:15@0.28..5.42", "ddim:50@0..11", "ddim:10:0.5@1.5..inf", "ddpm:250@0.28..5.42"] {
      XCTAssertEqual(Sampler(parsing: spec)?.description, spec)
    }
    XCTAssertEqual(Sampler(parsing: "dpmpp2m:15@0.28..5.42")?.guidance, .kynkaanniemi)
    XCTAssertEqual(Sampler(parsing: "dpmpp2m:15")?.guidance, .always)
    for bad in ["dpmpp2m:15@", "dpmpp2m:15@5..1", "dpmpp2m:15@1..1", "dpmpp2m:15@-1..2", "dpmpp2m:15@0.3",
                "dpmpp2m:15@a..b", "dpmpp2m:15@1..2@3..4", "dpmpp2m:15@nan..2"] {
      XCTAssertNil(Sampler(parsing: bad), bad)
    }
    XCTAssertTrue(Sampler.spellings.contains("@LO..HI"))
  }

  /// σ = √((1 − ᾱ)/ᾱ) at dpmpp2m:15's calls is 157.4, 78.8, 39.4, 19.8, 9.95, 4.99, 2.50, 1.25, 0.627,
  /// 0.315, 0.157, 0.079, 0.040, 0.019, 0.010 (numpy): (0.28, 5.42] holds the five from 4.99 to 0.315.
  func testGuidedCallsAreThoseInsideTheInterval() {
    let s = Sampler(.dpmpp2m, steps: 15, guidance: .kynkaanniemi)
    let inside = s.timesteps(schedule).filter { s.guidance.contains(alphaBar: schedule.alphasCumprod[$0]) }
    XCTAssertEqual(inside, [565, 440, 302, 177, 92])
    XCTAssertEqual(s.guidedCalls(schedule), 5)
    XCTAssertEqual(Sampler(.dpmpp2m, steps: 15).guidedCalls(schedule), 15)
    XCTAssertEqual(GuidanceInterval.sigma(alphaBar: 0.2), 2, accuracy: 1e-12)
    XCTAssertFalse(GuidanceInterval(low: 1, high: 2)!.contains(alphaBar: 0.5), "σ = 1 is outside (1, 2]")
    XCTAssertTrue(GuidanceInterval(low: 1, high: 2)!.contains(alphaBar: 0.2), "σ = 2 is inside (1, 2]")
  }

  /// Point-mass classes: guided everywhere the samples land on c_∅ + s(c_y − c_∅); with an interval that
  /// holds no call, on c_y (the unguided point), calling the model with N images, never 2N; with one that
  /// holds every call, exactly where guidance everywhere lands. In between, guided calls get 2N images.
  func testOutsideTheIntervalTheModelRunsOnceConditionally() {
    let points: [Int: Float] = [0: 0.3, 1: -0.35, 9: 0.05]
    var batches: [Int] = []
    let model: Denoiser = { x, t, y, out in
      batches.append(t.count)
      for n in 0..<t.count {
        let ab = self.schedule.alphasCumprod[t[n]]
        out.data[n] = Float((Double(x.data[n]) - ab.squareRoot() * Double(points[y[n]]!)) / (1 - ab).squareRoot())
      }
    }
    let labels = [0, 1, 1], scale = 2.0
    func draw(_ spec: String) -> [Float] {
      var rng = SplitMix64(seed: 3)
      let x = Tensor([3, 1, 1, 1])
      rng.fillNormal(x.data, count: 3)
      batches = []
      Sampler(parsing: spec)!.sample(model: model, schedule: schedule, x: x, labels: labels, cfgScale: scale,
                                     nullClass: 9, rng: &rng)
      return x.toArray()
    }
    for kind in ["dpmpp2m:15", "ddim:20"] {
      let everywhere = draw(kind)
      XCTAssertEqual(batches, Array(repeating: 6, count: batches.count), kind)
      for (n, y) in labels.enumerated() {
        XCTAssertEqual(everywhere[n], points[9]! + Float(scale) * (points[y]! - points[9]!), accuracy: 2e-3, kind)
      }
      XCTAssertEqual(draw(kind + "@0..1000"), everywhere, "\(kind): an interval holding every call")
      let never = draw(kind + "@500..1000")
      XCTAssertEqual(batches, Array(repeating: 3, count: batches.count), kind)
      for (n, y) in labels.enumerated() { XCTAssertEqual(never[n], points[y]!, accuracy: 2e-3, kind) }
      _ = draw(kind + "@0.28..5.42")
      let sampler = Sampler(parsing: kind + "@0.28..5.42")!
      XCTAssertEqual(batches.filter { $0 == 6 }.count, sampler.guidedCalls(schedule), kind)
      XCTAssertEqual(batches.count, sampler.steps, kind)
    }
  }
}
