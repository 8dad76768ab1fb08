import DTRData
import DTREngine
import DTRModels
import DTRTraining
import Foundation
import XCTest

/// Caption training batches: canvases and captions agree, labels address the batch's caption rows,
/// held-out pairs never appear, and the saved state resumes the stream exactly.
final class CaptionBatchesTests: XCTestCase {
  func testBatchesMatchTheirCaptionsExcludeHeldOutPairsAndResume() throws {
    let B = 16
    let data = try CaptionBatches(directory: FashionMNIST.defaultDirectory, batch: B, seed: 9)
    let images = Tensor([B, 1, 28, 56])
    var labels = [Int](repeating: -1, count: B)
    var saved: [UInt64] = [], next: [Float] = []
    for b in 0..<40 {
      if b == 30 { saved = data.stateWords }
      data.nextBatch(images: images, labels: &labels)
      if b == 30 { next = images.toArray() }
      XCTAssertEqual(labels, Array(1...B))
      let table = try XCTUnwrap(data.captions)
      XCTAssertEqual(table.rows, B + 1)
      XCTAssertEqual(table.tokens(for: [0]), CaptionVocabulary.nullTokens)
      for (i, layout) in data.layouts.enumerated() {
        XCTAssertFalse(layout.isHeldOut, layout.caption)
        XCTAssertEqual(CaptionVocabulary.decode(table.tokens(for: [labels[i]])), layout.caption)
      }
      XCTAssertTrue(images.toArray().allSatisfy { $0 >= -1 && $0 <= 1 })
    }
    try data.restore(saved)
    data.nextBatch(images: images, labels: &labels)
    XCTAssertEqual(images.toArray(), next)
  }

  func testTheCaptionsTaskNeedsACaptionedModelAndNoTaskAffinity() {
    var c = TrainConfig()
    c.task = .captions
    XCTAssertNotNil(c.validationError)  // the default small model reads class labels
    (c.preset, c.model, c.evalEveryEpochs, c.affinityEverySteps) = ("caption-tiny", ModelConfig.preset("caption-tiny")!, 0, 0)
    XCTAssertNil(c.validationError)
    (c.evalEveryEpochs, c.evalAtSteps) = (2, [10])  // evaluated by the caption probe
    XCTAssertNil(c.validationError)
    c.affinityEverySteps = 5
    XCTAssertTrue(c.validationError?.contains("--affinity-every-steps 0") == true, c.validationError ?? "")
    c.affinityEverySteps = 0
    c.task = .fashion
    XCTAssertTrue(c.validationError?.contains("--task captions") == true, c.validationError ?? "")
  }

  func testACaptionedRunsGridShowsItsPromptsAndSaysSoInItsEvent() throws {
    let dir = NSTemporaryDirectory() + "dtr-test-caption-grid-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var c = TrainConfig()
    (c.task, c.preset, c.model) = (.captions, "caption-tiny", ModelConfig.preset("caption-tiny")!)
    (c.batch, c.steps, c.lr, c.sampler, c.evalEveryEpochs, c.affinityEverySteps) = (4, 2, 1e-3, "ddim:2", 0, 0)
    let trainer = try Trainer(config: c, runDirectory: dir, data: try CaptionBatches(directory: c.dataDir, batch: 4, seed: 1))
    trainer.trainStep()
    trainer.writeSampleGrid()
    let written = trainer.drainEvents().compactMap { e -> SamplesWritten? in
      if case .samples(let s) = e.payload { return s }
      return nil
    }
    XCTAssertEqual(written.count, 1)
    XCTAssertEqual(written.first?.prompts, SampleGrid.captionPrompts)
    XCTAssertEqual(written.first?.rows, SampleGrid.captionPrompts.count)
    let png = try XCTUnwrap(FileManager.default.contents(atPath: try XCTUnwrap(written.first?.path)))
    XCTAssertGreaterThan(png.count, 100)
  }

  func testACaptionedRunIsEvaluatedByTheCaptionProbeOnTheSameLayoutsEveryTime() throws {
    let dir = NSTemporaryDirectory() + "dtr-test-caption-eval-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var c = TrainConfig()
    (c.task, c.preset, c.model) = (.captions, "caption-tiny", ModelConfig.preset("caption-tiny")!)
    (c.batch, c.steps, c.lr, c.evalEveryEpochs, c.affinityEverySteps) = (4, 2, 1e-3, 0, 0)
    (c.evalSamples, c.evalSampler) = (12, "ddim:2")
    let trainer = try Trainer(config: c, runDirectory: dir, data: try CaptionBatches(directory: c.dataDir, batch: 4, seed: 1))
    trainer.trainStep()
    trainer.evaluate()
    trainer.evaluate()
    let events = trainer.drainEvents()
    XCTAssertFalse(events.contains { if case .alert = $0.payload { return true } else { return false } }, "\(events)")
    let evals = events.compactMap { e -> Evaluation? in
      if case .eval(let r) = e.payload { return r }
      return nil
    }
    XCTAssertEqual(evals.count, 2)
    let first = try XCTUnwrap(evals.first)
    XCTAssertEqual(first.name, "crop FID-12")
    XCTAssertEqual(first.samples, 12)
    XCTAssertNil(first.kid)
    XCTAssertGreaterThan(try XCTUnwrap(first.fid2k), 0)
    XCTAssertTrue((0...1).contains(try XCTUnwrap(first.captionAccuracy)))
    XCTAssertTrue((0...1).contains(try XCTUnwrap(first.classAccuracy)))
    // The same weights, layouts and initial noises: the same scores (the comparison between arms is paired).
    XCTAssertEqual(evals[1].fid2k, first.fid2k)
    XCTAssertEqual(evals[1].captionAccuracy, first.captionAccuracy)
    XCTAssertEqual(evals[1].classAccuracy, first.classAccuracy)
  }
}
