import DTRModels
import DTRTraining
import DTRWorkbench
import XCTest

/// The comparison view's model, table, keys and frames, without a terminal.
final class ComparisonTests: XCTestCase {
  /// A 2-arm (routing=none, dtr) × 2-seed plan (seeds 0, 1) of 100 steps evaluated at 50 and 100.
  func plan() throws -> ExperimentPlan {
    try ExperimentPlan(name: "cmp", base: TrainConfig(), axes: [.init(field: "routing", values: ["none", "dtr"])], seeds: [0, 1],
                       steps: 100, evalAt: [50, 100], evalSamples: 500, finalSamples: 2000)
  }

  func step(_ s: Int, mse: Double?, loss: Double = 9) -> TrainingEvent {
    Fixtures.at(s, .step(StepMetrics(epoch: 1, loss: loss, lr: 1e-4, gradNorm: 1, imgPerS: 500, mse: mse)))
  }

  func eval(_ s: Int, fid: Double) -> TrainingEvent {
    Fixtures.at(s, .eval(Evaluation(name: "FID-2k", fid2k: fid, kid: nil, kidStd: nil, evaluator: nil, seconds: nil, samples: nil,
                                    epoch: nil)))
  }

  /// The plan's model with each cell's events: cell i's value is `values[i]` at steps 1…`steps[i]`.
  func model(values: [Double], steps: [Int]) throws -> ComparisonModel {
    var m = ComparisonModel(plan: try plan(), root: "/tmp/cmp")
    for i in m.cells.indices {
      m.apply([Fixtures.runStart()] + (1...steps[i]).map { step($0, mse: values[i]) }, toCell: i)
    }
    return m
  }

  func testBinnedSeriesStaysBoundedAndKeepsTheMean() {
    var s = BinnedSeries(capacity: 100)
    for k in 0..<10_000 { s.append(step: k, value: Double(k % 7)) }
    let points = s.points()
    XCTAssertLessThanOrEqual(points.count, 100)
    XCTAssertEqual(s.width, 128, "widths double: 10 000 steps need 128 per bin")
    XCTAssertEqual(points.map(\.step), points.map(\.step).sorted())
    XCTAssertEqual(points.first!.step, 63.5, "mean step of the first bin, 0…127")
    XCTAssertEqual(points.map(\.value).reduce(0, +) / Double(points.count), 3, accuracy: 0.05)
    XCTAssertEqual(s.points(width: 1024).count, 10, "merged onto wider bins")
    s.drop(after: 5000)
    XCTAssertEqual(s.points().last!.bin, 5000 / 128, "bins after the resume point are gone")
  }

  /// 2000 points alternating 0 and 0.6 on a 20 × 12-dot chart: one vertex per dot column at the column's
  /// mean (0.3, dot row 8 of 12, the third cell row), so a flat line, not 2000 strokes from row 4 to 11.
  func testStepChartDrawsOneVertexPerDotColumn() {
    var chart = StepChart(plot: Rect(x: 0, y: 0, width: 10, height: 3), steps: 0...1999, range: 0...1)
    chart.line(through: (0..<2000).map { StepChart.Point(step: Double($0), value: $0 % 2 == 0 ? 0 : 0.6) }, layer: 0)
    var canvas = Canvas(width: 10, height: 3)
    chart.draw(into: &canvas, layers: [.init(style: Style(), ascii: "*")], glyphs: .ascii)
    XCTAssertEqual(Fixtures.rows(canvas), [String(repeating: " ", count: 10), String(repeating: " ", count: 10),
                                           String(repeating: "*", count: 10)])
  }

  func testExperimentCellsGroupIntoArmsBaselineFirst() throws {
    let m = ComparisonModel(plan: try plan(), root: "/x/cmp")
    XCTAssertEqual(m.arms.map(\.name), ["routing=none", "routing=dtr"])
    XCTAssertEqual(m.arms.map { $0.cells.map { m.cells[$0].seed } }, [[0, 1], [0, 1]])
    XCTAssertEqual(m.cells[m.arms[1].cells[1]].directory, "/x/cmp/routing=dtr-s1")
    XCTAssertEqual(m.title, "experiment cmp")
    XCTAssertEqual(m.fidName, "FID-500")
  }

  func testRunsAreOneArmEachNamedByTheirFolders() {
    let m = ComparisonModel(runs: ["/r/a/none", "/r/a/dtr/", "/r/b/dtr"])
    XCTAssertEqual(m.arms.map(\.name), ["none", "a/dtr", "b/dtr"])
    XCTAssertEqual(m.arms.map(\.cells), [[0], [1], [2]])
    XCTAssertNil(m.plan)
  }

  func testMeanOverSeedsAndPerSeedCurves() throws {
    // routing=none: seed 0 at 1.0 for 10 steps, seed 1 at 3.0 for 5 steps; routing=dtr: 2.0 and 2.0.
    let m = try model(values: [1, 2, 3, 2], steps: [10, 10, 5, 10])
    let mean = m.lossCurves(perSeed: false, weight: 0)
    XCTAssertEqual(mean.map(\.label), ["routing=none", "routing=dtr"])
    XCTAssertEqual(mean[0].points.map(\.value), [2, 2, 2, 2, 2, 1, 1, 1, 1, 1], "mean over the seeds that reached each step")
    XCTAssertEqual(mean[0].points.map(\.step), (1...10).map(Double.init))
    let perSeed = m.lossCurves(perSeed: true, weight: 0)
    XCTAssertEqual(perSeed.map(\.label), ["routing=none s0", "routing=none s1", "routing=dtr s0", "routing=dtr s1"])
    XCTAssertEqual(perSeed.map(\.arm), [0, 0, 1, 1])
    XCTAssertEqual(perSeed[1].points.map(\.value), [3, 3, 3, 3, 3])
    XCTAssertEqual(m.lossCurves(perSeed: false, weight: 0.9)[1].points.map(\.value), Array(repeating: 2, count: 10),
                   "smoothing keeps a constant curve")
  }

  func testLossPrefersTheUnweightedMSEAndFollowsResumes() throws {
    var m = ComparisonModel(runs: ["/r/a"])
    m.apply([Fixtures.runStart(), step(1, mse: 0.5, loss: 0.9), step(2, mse: nil, loss: 0.7), eval(2, fid: 40), step(3, mse: 0.4),
             eval(3, fid: 30)], toCell: 0)
    XCTAssertEqual(m.cells[0].loss.points().map(\.value), [0.5, 0.7, 0.4], "mse, else the objective")
    m.apply([Fixtures.resumed(at: 2, epoch: 1), step(3, mse: 0.3)], toCell: 0)
    XCTAssertEqual(m.cells[0].loss.points().map(\.value), [0.5, 0.7, 0.3], "what followed the checkpoint is dropped")
    XCTAssertEqual(m.cells[0].fid.map(\.value), [40])
    m.apply([Fixtures.runStart(), step(1, mse: 0.8)], toCell: 0)
    XCTAssertEqual(m.cells[0].loss.points().map(\.value), [0.8], "a fresh run over the folder starts the cell over")
  }

  func testFIDCurvesAverageSeedsAtEachEvaluationStep() throws {
    var m = ComparisonModel(plan: try plan(), root: "/tmp/cmp")
    for (i, fids) in [[50.0, 40], [60, 30], [45, 35], [55, 25]].enumerated() {
      m.apply([eval(50, fid: fids[0]), eval(100, fid: fids[1])], toCell: i)
    }
    // Cells run seed by seed: 0 = none s0, 1 = dtr s0, 2 = none s1, 3 = dtr s1.
    let mean = m.fidCurves(perSeed: false)
    XCTAssertEqual(mean.map { $0.points.map(\.value) }, [[47.5, 37.5], [57.5, 27.5]])
    XCTAssertEqual(mean[0].points.map(\.step), [50, 100])
    XCTAssertEqual(m.fidCurves(perSeed: true, hidden: [0]).map(\.label), ["routing=dtr s0", "routing=dtr s1"])
  }

  func testDigitsHideArmsFromLegendAndCurves() throws {
    var c = ComparisonController(model: try model(values: [1, 2, 3, 4], steps: [10, 10, 10, 10]))
    XCTAssertEqual(c.handle(.char("1")), [])
    XCTAssertEqual(c.view.hidden, [0])
    XCTAssertEqual(c.message?.text, "routing=none hidden")
    XCTAssertEqual(c.model.lossCurves(perSeed: false, weight: 0, hidden: c.view.hidden).map(\.arm), [1])
    XCTAssertEqual(ArmLegend.items(c.model.arms, hidden: c.view.hidden, RenderContext()).map(\.text),
                   ["2 █ routing=dtr", "hidden: 1"])
    _ = c.handle(.char("5"))
    XCTAssertEqual(c.message?.isError, true, "no fifth arm")
    _ = c.handle(.char("1"))
    XCTAssertEqual(c.view.hidden, [])
    _ = c.handle(.char("2"))
    _ = c.handle(.char("1"))
    _ = c.handle(.char("0"))
    XCTAssertEqual(c.view.hidden, [], "0 shows every arm")
    XCTAssertEqual(c.handle(.char("q")), [.leave])
  }

  /// The frame: the legend names the arms shown, the plot holds only their colours, `m` switches the title.
  func testFrameShowsLegendPlotAndModeOfWhatIsShown() throws {
    var c = ComparisonController(model: try model(values: [1, 2, 3, 4], steps: [10, 10, 10, 10]))
    let ctx = RenderContext()
    func frame() -> Canvas { ComparisonRenderer.render(c, width: 100, height: 30, ctx) }
    func plotColours(_ f: Canvas) -> Set<RGB> {
      let layout = ComparisonLayout(width: 100, height: 30, tableRows: 4)!
      var colours = Set<RGB>()
      for y in (layout.loss.y + 2)..<(layout.loss.y + layout.loss.height - 2) {
        for x in (layout.loss.x + LossPanel.labelWidth + 1)..<(layout.loss.x + layout.loss.width - 1) {
          if let cell = f[x, y], (0x2801...0x28ff).contains(cell.char.value), let fg = cell.style.fg { colours.insert(fg) }
        }
      }
      return colours
    }
    let none = ctx.theme[ArmPalette.colors[0]]!, dtr = ctx.theme[ArmPalette.colors[1]]!
    var f = frame()
    XCTAssertTrue(f.row(2).contains("1 █ routing=none  2 █ routing=dtr"), f.row(2))
    XCTAssertTrue(f.row(1).contains("mean over seeds"), f.row(1))
    XCTAssertEqual(plotColours(f), [none, dtr])
    XCTAssertTrue(f.row(0).contains("experiment cmp │ cells 0/4 done │ nothing training"), f.row(0))
    _ = c.handle(.char("1"))
    f = frame()
    XCTAssertFalse(f.row(2).contains("routing=none"), f.row(2))
    XCTAssertTrue(f.row(2).contains("hidden: 1"), f.row(2))
    XCTAssertEqual(plotColours(f), [dtr])
    _ = c.handle(.char("m"))
    f = frame()
    XCTAssertTrue(f.row(1).contains("per seed"), f.row(1))
    XCTAssertFalse(f.plainText.contains("mean over seeds"))
    _ = c.handle(.char("?"))
    XCTAssertTrue(frame().plainText.contains("show or hide arm 1…9"))
    _ = c.handle(.char("x"))
    XCTAssertFalse(c.view.showsHelp, "any key closes the help")
  }

  func testWithoutColourOrBrailleArmsKeepTheirOwnCharacters() throws {
    let c = ComparisonController(model: try model(values: [1, 2, 3, 4], steps: [10, 10, 10, 10]))
    let f = ComparisonRenderer.render(c, width: 100, height: 30, RenderContext(glyphs: .ascii, color: false))
    XCTAssertTrue(f.row(2).contains("1 * routing=none  2 + routing=dtr"), f.row(2))
    let plot = (3..<21).map(f.row).joined()
    XCTAssertTrue(plot.contains("*") && plot.contains("+"), plot)
    for cell in f.cells where !cell.char.isASCII {
      XCTAssertNotEqual(Glyphs.asciiFallback(cell.char), "?", "\(cell.char) has an ASCII stand-in")
    }
  }

  /// The table of an experiment read from a results.json that ExperimentResults wrote from real cell
  /// folders, and the cell a trainer holds, through the feed that `dtr watch` uses.
  func testResultsTableAndLiveCellFromTheExperimentFolder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-compare-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let runner = try ExperimentRunner(plan: try plan(), directory: dir)
    var m = ComparisonModel(plan: runner.plan, root: runner.root)
    let feed = ComparisonFeed(m)
    XCTAssertFalse(feed.poll(into: &m, now: 0), "nothing written yet")
    XCTAssertEqual(ComparisonTable(m).rows.map { $0[1] }, ["0/2", "0/2"])
    XCTAssertNotNil(ComparisonTable(m).note)

    // Final FID: none 10, 12; dtr 8, 9 (paired differences −2, −3).
    for (cell, fid) in zip(runner.plan.cells, [10.0, 8, 12, 9]) {
      let folder = runner.folder(cell)
      try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
      let events = [Fixtures.runStart(), step(1, mse: fid / 10), eval(50, fid: fid * 2), step(100, mse: fid / 20)]
      try (events.map(EventCodec.encode).joined(separator: "\n") + "\n").write(toFile: folder.events, atomically: true, encoding: .utf8)
      let final = #"{"report": {"fid": \#(fid), "kid": 0.01, "kid_std": 0.001, "evaluator": "t", "samples": 2000}, "sampler": "ddim:25", "seconds": 1}"#
      try final.write(toFile: runner.finalMetricsPath(cell), atomically: true, encoding: .utf8)
    }
    try JSONEncoder().encode(ExperimentResults(runner)).write(to: URL(fileURLWithPath: runner.root + "/results.json"))
    var live: RunLock? = try RunLock(runDirectory: runner.folder(runner.plan.cells[3]).path)
    XCTAssertTrue(feed.poll(into: &m, now: 10))
    XCTAssertEqual(m.cells.map(\.step), [100, 100, 100, 100])
    XCTAssertEqual(m.training.map(\.name), ["routing=dtr-s1"])
    XCTAssertTrue(ComparisonStatusLine.fields(m).contains("training routing=dtr-s1 step 100/1000"), "\(ComparisonStatusLine.fields(m))")
    XCTAssertTrue(ComparisonStatusLine.fields(m).contains("cells 4/4 done"))

    let table = ComparisonTable(m)
    XCTAssertEqual(table.header, ["arm", "seeds", "FID-2k mean ± std", "Δ vs baseline [95% CI]", "verdict"])
    XCTAssertEqual(table.rows[0], ["routing=none", "2/2", "11.00 ± 1.41", "(baseline)", "–"])
    XCTAssertEqual(table.rows[1], ["routing=dtr", "2/2", "8.50 ± 0.71", "-2.50 [-8.85, +3.85]", "no clear difference"])
    XCTAssertNil(table.note)
    XCTAssertNotNil(live)
    live = nil  // the trainer ends: the lock is released
    XCTAssertFalse(feed.poll(into: &m, now: 10.5), "locks are looked at once a second")
    XCTAssertTrue(feed.poll(into: &m, now: 11))
    XCTAssertEqual(m.training.map(\.name), [])
  }

  /// A captions experiment: crop FID in the FID columns, caption accuracy and its paired difference beside them,
  /// in the workbench's table and in results.md alike.
  func testCaptionsExperimentTablesShowCropFIDAndCaptionAccuracyPaired() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-compare-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var base = TrainConfig()
    (base.task, base.preset, base.model, base.affinityEverySteps) = (.captions, "caption-tiny", ModelConfig.preset("caption-tiny")!, 0)
    let plan = try ExperimentPlan(name: "cap", base: base, axes: [.init(field: "routing", values: ["none", "dtr"])], seeds: [0, 1],
                                  steps: 100, evalAt: [100], evalSamples: 200, finalSamples: 400)
    let runner = try ExperimentRunner(plan: plan, directory: dir)
    // none-s0, dtr-s0, none-s1, dtr-s1: crop FID 200, 190, 210, 205 (Δ −10, −5); caption accuracy 0.10, 0.14, 0.12, 0.18 (Δ +0.04, +0.06).
    for (cell, (fid, accuracy)) in zip(plan.cells, [(200.0, 0.10), (190, 0.14), (210, 0.12), (205, 0.18)]) {
      try FileManager.default.createDirectory(atPath: runner.folder(cell).path, withIntermediateDirectories: true)
      let group = #"{"canvases": 400, "garments": 600, "caption_accuracy": \#(accuracy), "class_accuracy": 0.3, "#
        + #""class_accuracy_by_class": {}, "empty_slots": 200, "size_accuracy": 0.6, "brightness_accuracy": 0.7, "#
        + #""small_garments": 300, "flip_garments": 90, "fid": \#(fid), "reference_crops": 2400}"#
      let final = #"{"captions": {"all": \#(group), "evaluator": "t"}, "sampler": "ddim:25", "seconds": 1}"#
      try final.write(toFile: runner.finalMetricsPath(cell), atomically: true, encoding: .utf8)
    }
    let results = ExperimentResults(runner)
    var m = ComparisonModel(plan: plan, root: runner.root)
    m.setResults(results)
    let table = ComparisonTable(m)
    XCTAssertEqual(table.header, ["arm", "seeds", "crop FID-400 mean ± std", "Δ vs baseline [95% CI]", "verdict", "caption acc.",
                                  "Δ caption acc. [95% CI]"])
    XCTAssertEqual(table.rows[0], ["routing=none", "2/2", "205.00 ± 7.07", "(baseline)", "–", "0.110 ± 0.014", "(baseline)"])
    XCTAssertEqual(table.rows[1], ["routing=dtr", "2/2", "197.50 ± 10.61", "-7.50 [-39.27, +24.26]", "no clear difference",
                                   "0.160 ± 0.028", "+0.050 [-0.077, +0.177]"])
    XCTAssertEqual(m.fidName, "crop FID-200")
    let md = ExperimentReport.markdown(results, plan: plan)
    XCTAssertTrue(md.contains("| `routing=dtr` | 2 | 197.50 ± 10.61 | -7.50 [-39.27, +24.26] | no clear difference | 0.160 ± 0.028 | "
      + "+0.050 [-0.077, +0.177] | no clear difference | 0.300 ± 0.000 |"), md)
  }

  func testRunsTableSaysWhereEachRunStands() {
    var m = ComparisonModel(runs: ["/r/none", "/r/dtr"])
    m.apply([Fixtures.runStart(), step(40, mse: 0.5), eval(40, fid: 90), eval(80, fid: 120),
             Fixtures.at(80, .runEnd(RunEnd(reason: "finished", epoch: 1)))], toCell: 0)
    m.apply([Fixtures.runStart(), step(20, mse: 0.6)], toCell: 1)
    m.setTraining(true, cell: 1)
    let t = ComparisonTable(m)
    XCTAssertEqual(t.rows, [["none", "80/1000", "finished", "120", "90"], ["dtr", "20/1000", "training", "–", "–"]])
  }

  func testHelpAndDocsListEveryComparisonBinding() throws {
    XCTAssertEqual(ComparisonHelp.lines.count, ComparisonKeyTable.bindings.count)
    for b in ComparisonKeyTable.bindings {
      XCTAssertTrue(ComparisonHelp.lines.contains { $0.contains(b.label) && $0.hasSuffix(b.help) }, b.help)
      for k in b.keys { XCTAssertEqual(ComparisonKeyTable.binding(for: k)?.help, b.help, "\(k)") }
    }
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/workbench.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    for b in ComparisonKeyTable.bindings { XCTAssertTrue(text.contains(b.help), "docs/workbench.md lacks \"\(b.help)\"") }
  }
}
