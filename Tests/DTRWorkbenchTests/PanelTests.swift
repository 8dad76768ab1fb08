import DTRModels
import DTRTraining
import DTRWorkbench
import XCTest

final class PanelTests: XCTestCase {
  let theme = Theme.builtIn

  /// C = 8, T = 4, α = 1, β = 0.5: width 4, window starts 0, 1, 3, 4.
  func maskCanvas(cursor: (Int, Int), preview: Bool = false) -> (Canvas, MaskView) {
    let model = Fixtures.model([Fixtures.runStart()])
    let src = MaskSource.make(config: model.config, alpha: model.alpha, beta: model.beta, isPreview: preview)
    var view = MaskView()
    view.t = cursor.0
    view.c = cursor.1
    let r = Rect(x: 0, y: 0, width: 50, height: 6)
    var canvas = Canvas(width: 50, height: 6)
    MaskPanel.render(src, view, r, RenderContext(), &canvas)
    return (canvas, view.fitted(blocks: src!.blocks, browsable: src!.browsable, timesteps: 4, area: MaskPanel.heatmapArea(r)))
  }

  func testMaskHeatmapCellsMatchTheDTRTable() {
    let table = RoutingMask.dtr(timesteps: 4, channels: 8, alpha: 1, beta: 0.5)
    XCTAssertEqual(table.starts, [0, 1, 3, 4])
    let (c, _) = maskCanvas(cursor: (3, 7))
    // Inside the box: 48×4 cells, heatmap 2 rows = 4 pixel rows, one pixel per table cell.
    for cy in 0..<2 {
      for x in 0..<8 {
        let cell = c[1 + x, 1 + cy]!
        if (x, cy) == (7, 1) { continue }  // cursor
        XCTAssertEqual(cell.char, "▀")
        XCTAssertEqual(cell.style.fg, theme.heat(table.isActive(t: 2 * cy, c: x) ? 1 : 0), "t=\(2 * cy) c=\(x)")
        XCTAssertEqual(cell.style.bg, theme.heat(table.isActive(t: 2 * cy + 1, c: x) ? 1 : 0), "t=\(2 * cy + 1) c=\(x)")
      }
    }
    XCTAssertEqual(c[8, 2]?.char, "+", "cursor at t=3 c=7")
  }

  func testMaskCursorReadout() {
    let (c, view) = maskCanvas(cursor: (3, 7))
    XCTAssertEqual(view.rowsPerPixel, 1)
    XCTAssertTrue(c.row(4).contains("t=3 c=7 on"), c.row(4))
    let (off, _) = maskCanvas(cursor: (0, 5))
    XCTAssertTrue(off.row(4).contains("t=0 c=5 off"), off.row(4))
  }

  func testMaskPreviewIsMarkedInTheTitle() {
    XCTAssertFalse(maskCanvas(cursor: (0, 0)).0.row(0).contains("PREVIEW"))
    XCTAssertTrue(maskCanvas(cursor: (0, 0), preview: true).0.row(0).contains("PREVIEW"))
  }

  func testRandomRoutingHasOneTablePerBlock() {
    let model = Fixtures.model([Fixtures.runStart(routing: .random)])
    let src = MaskSource.make(config: model.config, alpha: 1, beta: 0.5)!
    XCTAssertEqual(src.tables.count, 2)
    XCTAssertNotEqual(src.tables[0], src.tables[1])
  }

  /// A UNet run's run_start (written by the real TrainConfig) gives the panel one table per residual block,
  /// each as wide as that block's input, the same tables the model routes with; `n` steps through them.
  func testUNetRunShowsEachResidualBlocksTable() throws {
    var train = TrainConfig()
    train.model = ModelConfig.preset("unet-tiny")!
    train.model.routingSeed = 99
    for routing in [RoutingKind.dtr, .random] {
      train.model.routing = routing
      let model = Fixtures.model([Fixtures.at(0, .runStart(RunStart(config: train, resumed: false, epoch: 0, totalSteps: 10,
                                                                     stepsPerEpoch: 5, params: 1, runDir: "/tmp")))])
      let src = try XCTUnwrap(MaskSource.make(config: model.config, alpha: nil, beta: nil))
      let net = train.model.build(seed: 0)
      XCTAssertEqual(src.tables, net.masks, "\(routing)")
      XCTAssertEqual(src.blocks.map(\.channels), [16, 16, 32, 32, 32, 64, 64, 64, 48, 48, 32])
      XCTAssertEqual(src.browsable, src.tables.count)
      var c = WorkbenchController(model: model, readOnly: true)
      _ = c.handle(.char("N"))
      XCTAssertEqual(c.mask.block, src.tables.count - 1)
      var canvas = Canvas(width: 100, height: 12)
      MaskPanel.render(src, c.mask, Rect(x: 0, y: 0, width: 100, height: 12), RenderContext(), &canvas)
      XCTAssertTrue(canvas.row(0).contains("block 11/11 output_blocks.5.0 C=32"), canvas.row(0))
      XCTAssertTrue(canvas.plainText.contains("1000×32, 25 on per row"), canvas.plainText)
    }
  }

  /// The controller fits the mask view to the panel the frame draws (T = 1000 and C = 64 in an 80×24
  /// screen's mask panel: 100 timesteps and 2 channels per drawn pixel), so a key moves the cursor one
  /// pixel; the panel then draws the view as stored.
  func testControllerFitsTheMaskCursorToTheDrawnPanel() {
    var c = WorkbenchController(model: Fixtures.model([Fixtures.runStart(hidden: 64, timesteps: 1000)]), readOnly: true)
    c.fit(width: 80, height: 24)
    XCTAssertEqual(c.mask.rowsPerPixel, 100)
    XCTAssertEqual(c.mask.colsPerPixel, 2)
    _ = c.handle(.down)
    _ = c.handle(.right)
    XCTAssertEqual([c.mask.t, c.mask.c], [100, 2])
    let frame = FrameRenderer().render(c, width: 80, height: 24, RenderContext()).plainText
    XCTAssertTrue(frame.contains("t=100 c=2 "), frame)
    c.fit(width: 160, height: 48)
    XCTAssertLessThan(c.mask.rowsPerPixel, 100, "a bigger panel draws more pixels")
  }

  func fidCanvas(_ events: [TrainingEvent]) -> Canvas {
    var canvas = Canvas(width: 40, height: 8)
    FIDPanel.render(Fixtures.model(events), Rect(x: 0, y: 0, width: 40, height: 8), RenderContext(), &canvas)
    return canvas
  }

  func testFIDPanelWithoutEvaluator() {
    let c = fidCanvas([Fixtures.runStart()])
    XCTAssertTrue(c.row(0).contains("FID"))
    XCTAssertTrue(c.plainText.contains("no evaluator yet"))
  }

  func testFIDPanelProgressBarAndValues() {
    let eval = Fixtures.at(1200, .eval(Evaluation(name: "FID-2k", fid2k: 45.5, kid: 0.031, kidStd: 0.002,
                                                  evaluator: "fmnist-cnn", seconds: 1, samples: 2000, epoch: 1)))
    let better = Fixtures.at(2400, .eval(Evaluation(name: "FID-2k", fid2k: 40, kid: 0.02, kidStd: nil, evaluator: nil,
                                                    seconds: nil, samples: nil, epoch: nil)))
    let progress = Fixtures.at(2500, .evalProgress(EvalProgress(done: 50, total: 100, phase: "sampling")))
    let c = fidCanvas([eval, better, progress])
    let text = c.plainText
    XCTAssertFalse(text.contains("no evaluator yet"))
    XCTAssertTrue(text.contains("last  FID-2k 40  @ step 2400"), text)
    XCTAssertTrue(text.contains("best ★ FID-2k 40"), text)
    XCTAssertTrue(text.contains("evaluating sampling 50/100"), text)
    let bar = c.cells.filter { $0.char == "█" }.count, empty = c.cells.filter { $0.char == "░" }.count
    XCTAssertGreaterThan(bar, 0)
    XCTAssertLessThanOrEqual(abs(bar - empty), 1, "half full")
  }

  /// A probe sampled in bf16 (`--eval-precision`) says so in the panel's title; an fp32 one does not.
  func testFIDPanelTitleNamesBF16Sampling() {
    func title(_ precision: String?) -> String {
      fidCanvas([Fixtures.at(10, .eval(Evaluation(name: "FID-2k", fid2k: 9.1, kid: 0.002, kidStd: nil, evaluator: "fmnist-cnn-v1",
                                                  seconds: 19, samples: 2000, epoch: 2, precision: precision)))]).row(0)
    }
    XCTAssertTrue(title("bf16").contains("FID  fmnist-cnn-v1 · bf16"), title("bf16"))
    XCTAssertFalse(title("fp32").contains("bf16"), title("fp32"))
    XCTAssertFalse(title(nil).contains("bf16"), title(nil))
  }

  /// An ANT-UW run shows the range of its learned interval weights ½e^{−s_k} in the panel's title.
  func testPerTimestepPanelShowsANTUWWeights() {
    let step = Fixtures.at(3, .step(StepMetrics(epoch: 1, loss: 1, lr: 1e-4, gradNorm: 1, imgPerS: 1, bucketLoss: [1, 0.5],
                                                uwLogVar: [0, log(2), 0, 0, 0, 0, 0, -log(2)])))
    var canvas = Canvas(width: 70, height: 6)
    TimestepLossPanel.render(Fixtures.model([step]), perBucket: false, Rect(x: 0, y: 0, width: 70, height: 6), RenderContext(),
                             &canvas)
    XCTAssertTrue(canvas.row(0).contains("ANT-UW w 0.25–1.00"), canvas.row(0))
  }

  func testPerTimestepHeatmapColoursHighLossBright() {
    let m = Fixtures.model([Fixtures.step(1, loss: 1, buckets: [1.0, 0.1]), Fixtures.step(2, loss: 1, buckets: [1.0, 0.1])])
    var canvas = Canvas(width: 40, height: 6)
    TimestepLossPanel.render(m, perBucket: false, Rect(x: 0, y: 0, width: 40, height: 6), RenderContext(), &canvas)
    // Area: x 7…, rows 1…3 (6 pixel rows); bucket 0 on pixel rows 0–2, bucket 1 on rows 3–5.
    XCTAssertEqual(canvas[7, 1]?.style.fg, theme.heat(1))
    XCTAssertEqual(canvas[7, 3]?.style.bg, theme.heat(0))
    XCTAssertTrue(canvas.row(0).contains("Per-timestep loss  2 buckets"))
  }

  func testSamplesPanelDrawsTheDecodedGrid() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-samples-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(base64Encoded: PNGDecoderTests.grey4x3)!.write(to: dir.appendingPathComponent("s.png"))
    var m = WorkbenchModel(runDirectory: dir.path)
    m.apply(Fixtures.at(500, .samples(SamplesWritten(path: "s.png", rows: 1, cols: 1))))
    var canvas = Canvas(width: 40, height: 5)
    SamplesPanel.render(m, SamplesView(), images: ImageCache(), Rect(x: 0, y: 0, width: 40, height: 5), RenderContext(), &canvas)
    XCTAssertTrue(canvas.row(0).contains("Samples  step 500  (1/1)"), canvas.row(0))
    // Scale 2 (capped): 8×6 pixels; the top-left pixel is black, the one right of it 50/255.
    XCTAssertEqual(canvas[1, 1]?.char, "▀")
    XCTAssertEqual(canvas[1, 1]?.style.fg, RGB(0, 0, 0))
    XCTAssertEqual(canvas[3, 1]?.style.fg, RGB(50, 50, 50))
  }

  func testSamplesScrubberFollowsNewestPastTheEnd() {
    var v = SamplesView()
    v.scrub(by: -1, count: 3)
    XCTAssertEqual(v.index, 1)
    v.scrub(by: -5, count: 3)
    XCTAssertEqual(v.index, 0)
    v.scrub(by: 5, count: 3)
    XCTAssertNil(v.index)
  }

  func testFullFrameHasFixedTitlesAndTooSmallScreen() {
    let c = WorkbenchController(model: Fixtures.model([Fixtures.runStart(), Fixtures.step(1, loss: 0.5)]), readOnly: false)
    let frame = FrameRenderer().render(c, width: 120, height: 40, RenderContext()).plainText
    for title in ["Loss", "Routing masks", "Per-timestep loss", "FID", "Samples", "Events", "RUNNING"] {
      XCTAssertTrue(frame.contains(title), title)
    }
    let small = FrameRenderer().render(c, width: 60, height: 20, RenderContext()).plainText
    XCTAssertTrue(small.contains("terminal too small: need 80×24"), small)
  }

  func testOddValuesDrawWithoutTrapping() {
    let events = [
      Fixtures.runStart(), Fixtures.step(1, loss: .nan), Fixtures.step(2, loss: 1e308), Fixtures.step(3, loss: -1e308),
      Fixtures.step(4, loss: 0, buckets: [1e300, nil, -1]),
      Fixtures.at(5, .samples(SamplesWritten(path: "missing.png", rows: Int.max, cols: 0))),
      Fixtures.at(5, .evalProgress(EvalProgress(done: 3, total: 0, phase: ""))),
      Fixtures.at(6, .eval(Evaluation(name: "FID-2k", fid2k: 1e308, kid: nil, kidStd: nil, evaluator: nil, seconds: nil,
                                      samples: nil, epoch: nil))),
      Fixtures.at(6, .eval(Evaluation(name: "", fid2k: nil, kid: nil, kidStd: nil, evaluator: nil, seconds: nil, samples: nil,
                                      epoch: nil))),
    ]
    var c = WorkbenchController(model: Fixtures.model(events), readOnly: false)
    c.loss.logY = true
    for glyphs in [Glyphs.utf8, .ascii] {
      for color in [true, false] {
        let frame = FrameRenderer().render(c, width: 100, height: 30, RenderContext(glyphs: glyphs, color: color))
        XCTAssertTrue(frame.plainText.contains("Loss"))
      }
    }
    XCTAssertEqual(c.model.sampleGrids.first?.rows, Int.max)
  }
}
