import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import DTRTraining
import XCTest

/// The configuration's sampler fields: defaults, validation, and what older files decode to.
final class TrainConfigTests: XCTestCase {
  func testEvalSamplerAndGuidanceDefaultsAndLegacyConfigurations() throws {
    let fresh = TrainConfig()
    XCTAssertEqual(fresh.evalSampler, FIDProbe.defaultSampler.description)
    XCTAssertNotNil(Sampler(parsing: fresh.sampler))
    // A configuration written before the probe's sampler was configurable was measured with DDIM-25.
    var old = try JSONSerialization.jsonObject(with: Data(fresh.json.utf8)) as! [String: Any]
    old.removeValue(forKey: "evalSampler")
    old.removeValue(forKey: "evalCfgScale")
    old["cfgScale"] = 2.5
    let legacy = try XCTUnwrap(TrainConfig.decodingWithDefaults(String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self)))
    XCTAssertEqual(legacy.evalSampler, "ddim:25")
    XCTAssertEqual(legacy.evalCfgScale, 2.5, "and it was probed at the grids' guidance scale")
    XCTAssertEqual(fresh.evalCfgScale, 1, "a new run probes unguided")
    XCTAssertEqual(TrainConfig.decodingWithDefaults(fresh.json), fresh, "a current configuration round-trips")
    var c = fresh
    c.evalSampler = "dpmpp2m:12"
    XCTAssertNil(c.validationError)
    XCTAssertEqual(TrainConfig.decodingWithDefaults(c.json)?.evalSampler, "dpmpp2m:12")
    c.evalSampler = "dpmpp2m:12:0.5"
    XCTAssertEqual(c.validationError, "unknown eval sampler 'dpmpp2m:12:0.5'; use \(Sampler.spellings)")
    c.evalSampler = "dpmpp2m:12"
    c.evalCfgScale = -1
    XCTAssertEqual(c.validationError, "eval cfg must be ≥ 0 (got -1.0)")
  }

  /// `precision`: fp32 by default and for configurations written before it existed, round-trips, and bf16
  /// is refused for a DiT.
  func testPrecisionDefaultsRoundTripsAndIsRefusedForADiT() throws {
    var c = TrainConfig()
    XCTAssertEqual(c.precision, .fp32)
    var old = try JSONSerialization.jsonObject(with: Data(c.json.utf8)) as! [String: Any]
    old.removeValue(forKey: "precision")
    let legacy = try XCTUnwrap(TrainConfig.decodingWithDefaults(String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self)))
    XCTAssertEqual(legacy.precision, .fp32)
    c.precision = .bf16
    XCTAssertEqual(c.validationError, "--precision bf16 covers a UNet's convolutions; this model is a DiT, which computes in fp32: use --precision fp32")
    c.model = ModelConfig.preset("unet-tiny")!
    XCTAssertEqual(TrainConfig.decodingWithDefaults(c.json)?.precision, .bf16)
    XCTAssertEqual(c.validationError, Precision.bf16.unsupportedReason().map { "--precision \($0): use --precision fp32" },
                   "a UNet needs only the CPU's AVX512_BF16")
    let plain = CPUFeatures(flags: ["avx2", "fma"], modelName: "Old CPU")
    XCTAssertEqual(Precision.bf16.unsupportedReason(on: plain),
                   "bf16 needs a CPU with AVX512_BF16 (Intel Cooper Lake or Sapphire Rapids and later, AMD Zen 4 and later); Old CPU has none")
    XCTAssertNil(Precision.fp32.unsupportedReason(on: plain))
  }

  /// `dtr experiment --arms precision=fp32,bf16` sets each cell's precision, and a DiT base is refused for
  /// the bf16 arm.
  func testExperimentSweepsPrecision() throws {
    var base = TrainConfig()
    base.model = ModelConfig.preset("unet-tiny")!
    let axes = [ExperimentPlan.Axis(field: "precision", values: ["fp32", "bf16"])]
    func plan(_ base: TrainConfig) throws -> ExperimentPlan {
      try ExperimentPlan(name: "p", base: base, axes: axes, seeds: [0], steps: 10, evalAt: [], evalSamples: 0, finalSamples: 0)
    }
    if let reason = Precision.bf16.unsupportedReason() {
      XCTAssertThrowsError(try plan(base)) { XCTAssertTrue("\($0)".contains(reason), "\($0)") }
    } else {
      let p = try plan(base)
      XCTAssertEqual(try p.cells.map { try p.config(for: $0).precision }, [.fp32, .bf16])
    }
    XCTAssertThrowsError(try plan(TrainConfig())) { e in
      XCTAssertTrue("\(e)".contains("arm precision=bf16: --precision bf16 covers a UNet's convolutions"), "\(e)")
    }
  }

  /// `evalPrecision`: auto for new runs (bf16 only for a UNet on a CPU with AVX512_BF16), the training
  /// precision for configurations written before it existed, and a forced bf16 is refused where it cannot run.
  func testEvalPrecisionDefaultsLegacyAndResolution() throws {
    var c = TrainConfig()
    XCTAssertEqual(c.evalPrecision, .auto)
    XCTAssertEqual(TrainConfig.decodingWithDefaults(c.json)?.evalPrecision, .auto)
    XCTAssertEqual(ProbePrecision.auto.resolved(for: c.model), .fp32, "a DiT samples in fp32")
    let unet = ModelConfig.preset("unet-tiny")!
    XCTAssertEqual(ProbePrecision.auto.resolved(for: unet), Precision.bf16.unsupportedReason() == nil ? .bf16 : .fp32)
    XCTAssertEqual(ProbePrecision.fp32.resolved(for: unet), .fp32)
    for training in [Precision.fp32, .bf16] {
      var old = try JSONSerialization.jsonObject(with: Data(c.json.utf8)) as! [String: Any]
      old.removeValue(forKey: "evalPrecision")
      old["precision"] = training.rawValue
      let legacy = try XCTUnwrap(TrainConfig.decodingWithDefaults(String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self)))
      XCTAssertEqual(legacy.evalPrecision, training == .fp32 ? .fp32 : .auto, "an older run keeps probing at its training precision")
    }
    c.evalPrecision = .bf16
    XCTAssertEqual(c.validationError, "--eval-precision bf16 covers a UNet's convolutions; this model is a DiT, which computes in fp32: use --eval-precision fp32")
    c.evalPrecision = .auto
    XCTAssertNil(c.validationError)
  }
}
