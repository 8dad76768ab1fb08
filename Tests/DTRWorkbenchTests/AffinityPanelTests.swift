import DTRTraining
import DTRWorkbench
import XCTest

/// The task-affinity panel fed `affinity` events: cells coloured by sign, the cursor readout, the
/// cosine/lookahead toggle, the trend line, and the ASCII/mono fallbacks.
final class AffinityPanelTests: XCTestCase {
  let theme = Theme.builtIn

  /// K buckets (default 4) over T = 25K: cosine 1 on the diagonal, 0.5 for neighbours, −0.5 at distance 2,
  /// −1 beyond; lookahead 0.03, 0.02, −0.01, −0.02 by distance.
  static func affinity(step: Int, shift: Double = 0, buckets k: Int = 4) -> TrainingEvent {
    func byDistance(_ v: [Double]) -> [[Double]] { (0..<k).map { i in (0..<k).map { j in v[min(abs(i - j), 3)] + shift } } }
    let a = TaskAffinity.Result(buckets: k, edges: (0...k).map { 25 * $0 }, cosine: byDistance([1, 0.5, -0.5, -1]),
                                cosineRouted: byDistance([1, 0.4, -0.6, -1]), lookahead: byDistance([0.03, 0.02, -0.01, -0.02]),
                                conflictRate: 0.5, eta: 1e-3, seconds: 0.1)
    return Fixtures.at(step, .affinity(a))
  }

  /// The panel drawn alone into an 80×22 canvas (the body of an 80×24 screen).
  func draw(_ view: AffinityView = AffinityView(), events: [TrainingEvent] = [affinity(step: 5)],
            ctx: RenderContext = RenderContext()) -> Canvas {
    var canvas = Canvas(width: 80, height: 22)
    AffinityPanel.render(Fixtures.model([Fixtures.runStart()] + events), view, canvas.bounds, ctx, &canvas)
    return canvas
  }

  // Inside the box (78×20): labels 6 columns, a header row, cells 6 wide and 3 high (the trend line beside
  // them): cell (i, j) starts at column 7 + 6j, row 2 + 3i; legend on row 14, readout on 15.
  func cell(_ c: Canvas, _ i: Int, _ j: Int) -> Cell { c[7 + 6 * j, 2 + 3 * i]! }

  func testHeatmapCellsAreColouredBySign() {
    let c = draw()
    XCTAssertEqual(cell(c, 0, 0).style.fg, theme.diverging(1))
    XCTAssertEqual(cell(c, 0, 0).style.fg, theme[.affinityHigh])
    XCTAssertEqual(cell(c, 0, 3).style.fg, theme[.affinityConflict])
    XCTAssertEqual(cell(c, 3, 1).style.fg, theme.diverging(-0.5))
    XCTAssertEqual(cell(c, 2, 1).style.fg, theme.diverging(0.5))
    XCTAssertEqual(cell(c, 1, 3).char, "█")
    XCTAssertTrue(c.row(0).contains("Task affinity  cosine  K=4  step 5  conflict 50%"), c.row(0))
    XCTAssertTrue(c.row(1).contains("t     0     25    50    75"), c.row(1))
    XCTAssertTrue(c.row(2).hasPrefix("│    0"), c.row(2))
  }

  func testMonoAndASCIIShowTheSignAsGlyphs() {
    let mono = draw(ctx: RenderContext(color: false))
    XCTAssertEqual(cell(mono, 0, 3).char, "≡")
    XCTAssertEqual(cell(mono, 0, 2).char, "=")
    XCTAssertEqual(cell(mono, 1, 1).char, "█")
    let ascii = draw(ctx: RenderContext(glyphs: .ascii, color: false))
    XCTAssertEqual(cell(ascii, 0, 3).char, "=")
    XCTAssertEqual(cell(ascii, 0, 0).char, "#")
    XCTAssertEqual(cell(ascii, 0, 1).char, "*")
    XCTAssertFalse(ascii.plainText.unicodeScalars.contains { !$0.isASCII }, ascii.plainText)
  }

  func testCursorReadoutAndLegend() {
    var view = AffinityView()
    (view.i, view.j) = (1, 3)
    let c = draw(view)
    XCTAssertEqual(c[7 + 18 + 3, 2 + 3 + 1]?.char, "+", "cursor in the middle of cell (1, 3)")
    XCTAssertTrue(c.row(15).contains("i=1 (t 25-49)  j=3 (t 75-99)  cosine -0.5"), c.row(15))
    XCTAssertTrue(c.row(14).contains("conflict -1 ") && c.row(14).contains(" +1 affinity"), c.row(14))
  }

  func testToggleShowsTheLookaheadMatrixOnItsOwnScale() {
    var view = AffinityView()
    view.lookahead = true
    let c = draw(view)
    XCTAssertTrue(c.row(0).contains("Task affinity  lookahead"), c.row(0))
    XCTAssertEqual(cell(c, 0, 0).style.fg, theme[.affinityHigh], "0.03 is the largest magnitude")
    XCTAssertEqual(cell(c, 0, 3).style.fg, theme.diverging(-0.02 / 0.03))
    XCTAssertTrue(c.row(14).contains("conflict -0.03"), c.row(14))
    XCTAssertTrue(c.row(15).contains("lookahead +0.03"), c.row(15))
  }

  func hasBraille(_ c: Canvas, rows: Range<Int>) -> Bool {
    rows.contains { c.row($0).unicodeScalars.contains { (0x2801...0x28ff).contains($0.value) } }
  }

  func testTrendLineOfAdjacentAgainstDistantBucketsBesideTheHeatmap() {
    let c = draw(events: [Self.affinity(step: 5), Self.affinity(step: 10, shift: 0.1)])
    XCTAssertTrue(c.row(1).contains("  mean adjacent (|i-j|=1) +0.6"), c.row(1))
    XCTAssertTrue(c.row(2).contains("  mean distant (|i-j|>=2) -0.567"), c.row(2))
    XCTAssertTrue(c.row(0).contains("step 10"), c.row(0))
    XCTAssertTrue(hasBraille(c, rows: 3..<14), "braille trend drawn")
  }

  func testTenBucketsAt80ColumnsPutTheTrendUnderTheHeatmap() {
    let c = draw(events: [Self.affinity(step: 5, buckets: 10), Self.affinity(step: 10, shift: 0.1, buckets: 10)])
    XCTAssertTrue(c.row(11).hasPrefix("│  225 ██████"), c.row(11))
    XCTAssertTrue(c.row(13).contains("i=0 (t 0-24)  j=0 (t 0-24)  cosine +1.1"), c.row(13))
    XCTAssertTrue(c.row(14).contains("mean adjacent (|i-j|=1) +0.6"), c.row(14))
    XCTAssertTrue(c.row(15).contains("mean distant (|i-j|>=5) -0.9"), c.row(15))
    XCTAssertTrue(hasBraille(c, rows: 16..<21), "braille trend drawn")
  }

  func testBeforeAnyMeasurementThePanelSaysHowToGetOne() {
    let c = draw(events: [])
    XCTAssertTrue(c.row(1).contains("no affinity measurement yet"), c.row(1))
  }

  func testKeysShowThePanelMoveItsCursorAndToggleTheMatrix() {
    var c = WorkbenchController(model: Fixtures.model([Fixtures.runStart(), Self.affinity(step: 5)]), readOnly: true)
    let renderer = FrameRenderer()
    func screen() -> String {
      c.fit(width: 80, height: 24)
      return renderer.render(c, width: 80, height: 24, RenderContext()).plainText
    }
    XCTAssertFalse(screen().contains("Task affinity"), "not in the overview")
    _ = c.handle(.right)
    XCTAssertEqual(c.affinity.j, 0, "arrows move the mask cursor while the panel is hidden")
    _ = c.handle(.char("7"))
    XCTAssertEqual(c.expanded, .affinity)
    for _ in 0..<5 { _ = c.handle(.right) }
    _ = c.handle(.down)
    var s = screen()
    XCTAssertTrue(s.contains("i=1 (t 25-49)  j=3 (t 75-99)  cosine -0.5"), s)
    _ = c.handle(.char("m"))
    s = screen()
    XCTAssertTrue(s.contains("Task affinity  lookahead") && s.contains("lookahead -0.01"), s)
    _ = c.handle(.char("m"))
    XCTAssertTrue(screen().contains("Task affinity  cosine"))
  }
}
