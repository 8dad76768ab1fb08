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

  func testTheCaptionsTaskNeedsACaptionedModelAndNoClassEvaluation() {
    var c = TrainConfig()
    c.task = .captions
    XCTAssertNotNil(c.validationError)  // the default small model reads class labels
    (c.preset, c.model, c.evalEveryEpochs, c.affinityEverySteps) = ("caption-tiny", ModelConfig.preset("caption-tiny")!, 0, 0)
    XCTAssertNil(c.validationError)
    c.evalEveryEpochs = 2
    XCTAssertTrue(c.validationError?.contains("dtr eval --task captions") == true, c.validationError ?? "")
    c.evalEveryEpochs = 0
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
}
