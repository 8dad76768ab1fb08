import DTRDiffusion
import DTREvaluation
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
}
