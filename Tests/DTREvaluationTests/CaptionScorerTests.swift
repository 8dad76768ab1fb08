import DTRData
import DTREngine
import DTREvaluation
import DTRTestSupport
import XCTest

final class CaptionScorerTests: XCTestCase {
  /// One scorer for all tests (two reference drawings per layout, to keep them fast).
  static var shared: CaptionScorer?

  func scorer() throws -> CaptionScorer {
    if let shared = Self.shared { return shared }
    let made = CaptionScorer(evaluator: try ShippedEvaluator.required(), reference: try ShippedEvaluator.dataset(.test),
                             templates: try ShippedEvaluator.dataset(.train), referenceRenders: 2, seed: 1)
    Self.shared = made
    return made
  }

  func testRealCanvasesScoreHighAndShuffledCaptionsLow() throws {
    let scorer = try scorer()
    let (images, layouts) = scorer.realCanvases(count: 160, seed: 21, heldOut: .include)
    let real = try scorer.score(images: images, layouts: layouts)
    print("real canvases:\n\(real.markdown)")
    let all = real.all
    XCTAssertEqual(all.canvases, 160)
    XCTAssertNotNil(real.seen)
    XCTAssertNotNil(real.heldOut)
    XCTAssertEqual(real.seen!.canvases + real.heldOut!.canvases, 160)
    XCTAssertGreaterThan(all.captionAccuracy, 0.75)
    XCTAssertGreaterThan(all.classAccuracy, 0.85)
    XCTAssertEqual(all.emptyAccuracy, 1)
    XCTAssertGreaterThan(all.sizeAccuracy, 0.97)
    XCTAssertGreaterThan(all.brightnessAccuracy, 0.96)
    XCTAssertEqual(all.verticalAccuracy, 1)
    XCTAssertGreaterThan(all.flipAccuracy!, 0.9)
    XCTAssertGreaterThan(all.flipGarments, 10)

    // The same images under other canvases' captions (each layout moved to the next canvas).
    let shuffled = try scorer.score(images: images, layouts: Array(layouts[1...]) + [layouts[0]])
    print("shuffled captions:\n\(shuffled.markdown)")
    XCTAssertLessThan(shuffled.all.captionAccuracy, 0.15)
    XCTAssertLessThan(shuffled.all.classAccuracy, 0.35)
    XCTAssertLessThan(shuffled.all.emptyAccuracy!, 0.7)
    XCTAssertLessThan(shuffled.all.sizeAccuracy, 0.75)
    XCTAssertLessThan(shuffled.all.brightnessAccuracy, 0.75)
  }

  func testCropFIDIsSmallForRealAndLargeForNoise() throws {
    let scorer = try scorer()
    let (images, layouts) = scorer.realCanvases(count: 120, seed: 22, heldOut: .only)
    let real = try scorer.score(images: images, layouts: layouts)
    XCTAssertNil(real.seen, "a held-out-only set has no seen group")
    XCTAssertEqual(real.heldOut, real.all)
    var noise = SplitMix64(seed: 3)
    noise.fillNormal(images.data, count: images.count, mean: -0.5, std: 0.5)
    let noisy = try scorer.score(images: images, layouts: layouts)
    let (realFID, noiseFID) = (real.all.fid!, noisy.all.fid!)
    print(String(format: "crop FID: real %.2f, noise %.2f (%d crops, %d reference crops)", realFID, noiseFID,
                 real.all.garments, real.all.referenceCrops))
    XCTAssertEqual(real.all.referenceCrops, 2 * real.all.garments)
    XCTAssertGreaterThan(noiseFID, 20 * realFID)
    XCTAssertLessThan(noisy.all.captionAccuracy, 0.1)

    // Same inputs, same scores; the JSON carries them.
    XCTAssertEqual(try scorer.score(images: images, layouts: layouts), noisy)
    let decoded = try JSONDecoder().decode(CaptionScores.self, from: Data(try noisy.json().utf8))
    XCTAssertEqual(decoded, noisy)
    XCTAssertTrue(try noisy.json().contains("\"caption_accuracy\""))
    XCTAssertTrue(noisy.markdown.contains("| caption accuracy | – |"), noisy.markdown)
  }

  func testMismatchedInputIsOneLineError() throws {
    let scorer = try scorer()
    let layout = try CaptionParser.parse("a large light bag on the right")
    XCTAssertThrowsError(try scorer.score(images: Tensor([2, 1, 28, 28]), layouts: [layout, layout])) { error in
      let text = "\(error)"
      XCTAssertFalse(text.contains("\n"))
      XCTAssertTrue(text.contains("[N, 1, 28, 56]"), text)
    }
    XCTAssertThrowsError(try scorer.score(images: Tensor([2, 1, 28, 56]), layouts: [layout]))
  }
}
