import DTREngine
import DTRFormats
import DTRModels
import DTRTraining
import DTRWorkbench
import Foundation
import XCTest

/// The Samples panel of a captioned run: each prompt on its own line, its row of images under it.
final class PromptedSamplesTests: XCTestCase {
  func testEachPromptIsDrawnAboveItsOwnImages() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-prompts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // Prompt 0's two canvases are black, prompt 1's white.
    let prompts = ["a large light bag on the right", "a small dark boot on the top left"]
    let images = Tensor([4, 1, 28, 56])
    for i in 0..<images.count { images.data[i] = i < 2 * 28 * 56 ? -1 : 1 }
    try PromptGrid(columns: 2).write(images, prompts: prompts, to: dir.appendingPathComponent("p.png").path)

    var config = TrainConfig()
    (config.task, config.preset, config.model) = (.captions, "caption-tiny", ModelConfig.preset("caption-tiny")!)
    var m = WorkbenchModel(runDirectory: dir.path)
    m.apply(Fixtures.at(0, .runStart(RunStart(config: config, resumed: false, epoch: 0, totalSteps: 10, stepsPerEpoch: 10,
                                              params: 1, runDir: dir.path))))
    m.apply(Fixtures.at(10, .samples(SamplesWritten(path: "p.png", rows: 2, cols: 2, prompts: prompts))))
    XCTAssertEqual(m.sampleGrids.last?.prompts, prompts)

    var canvas = Canvas(width: 60, height: 14)
    SamplesPanel.render(m, SamplesView(), images: ImageCache(), Rect(x: 0, y: 0, width: 60, height: 14), RenderContext(),
                        &canvas)
    // The box's inner area starts at (1, 1) and holds two bands of 6 rows: the prompt, then its images.
    XCTAssertTrue(canvas.row(1).contains(prompts[0]), canvas.row(1))
    XCTAssertTrue(canvas.row(7).contains(prompts[1]), canvas.row(7))
    func grey(_ x: Int, _ y: Int) -> UInt8? { canvas[x, y]?.style.fg?.r }
    XCTAssertEqual(grey(3, 3), 0, "prompt 0's images are black")
    XCTAssertEqual(grey(3, 9), 255, "prompt 1's images are white")
  }
}
