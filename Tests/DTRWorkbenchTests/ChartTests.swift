import DTRTraining
import DTRWorkbench
import XCTest

final class ChartTests: XCTestCase {
  func testBrailleDotsMapToUnicodeBits() {
    var chart = BrailleChart(cols: 2, rows: 1)
    chart.dot(0, 0, layer: 0)  // dot 1
    chart.dot(1, 3, layer: 0)  // dot 8
    chart.dot(2, 1, layer: 0)  // second cell, dot 2
    var canvas = Canvas(width: 2, height: 1)
    chart.draw(into: &canvas, x: 0, y: 0, layers: [.init(style: Style(), ascii: "*")], glyphs: .utf8)
    XCTAssertEqual(canvas[0, 0]?.char, Unicode.Scalar(0x2800 + 0x01 + 0x80))
    XCTAssertEqual(canvas[1, 0]?.char, Unicode.Scalar(0x2800 + 0x02))
    var ascii = Canvas(width: 2, height: 1)
    chart.draw(into: &ascii, x: 0, y: 0, layers: [.init(style: Style(), ascii: "*")], glyphs: .ascii)
    XCTAssertEqual(ascii.row(0), "**")
  }

  /// A 30×10 loss panel: the plot starts at column 9 (box + 8 label columns), row 1, and is 20×7 cells,
  /// i.e. 40×28 dots. Steps 0 and 39 map to dot columns 0 and 39.
  func lossCanvas(_ events: [TrainingEvent], glyphs: Glyphs = .utf8) -> Canvas {
    let model = Fixtures.model(events)
    var view = LossView()
    view.weightIndex = 0
    var canvas = Canvas(width: 30, height: 10)
    LossPanel.render(model, view, Rect(x: 0, y: 0, width: 30, height: 10), RenderContext(glyphs: glyphs), &canvas)
    return canvas
  }

  func testLossChartPlotsKnownPointsAtKnownCells() {
    let c = lossCanvas([Fixtures.step(0, loss: 1), Fixtures.step(39, loss: 0)])
    // y range is −0.05…1.05: loss 1 is dot row 1 (cell row 0), loss 0 is dot row 26 (cell row 6).
    let first = c[9, 1]!.char.value, last = c[28, 7]!.char.value
    XCTAssertTrue((0x2801...0x28ff).contains(first), "start point drawn")
    XCTAssertNotEqual(first & 0x02, 0, "dot row 1 of the cell is set")
    XCTAssertTrue((0x2801...0x28ff).contains(last), "end point drawn")
    XCTAssertEqual(c[28, 1]?.char, " ", "nothing top-right")
    XCTAssertTrue(c.row(0).hasPrefix("╭─ Loss  ema 0"))
  }

  func testLossChartYLabels() {
    let c = lossCanvas([Fixtures.step(0, loss: 1), Fixtures.step(39, loss: 0)])
    XCTAssertEqual(String(c.row(1).dropFirst().prefix(7)), "   1.05")
    XCTAssertEqual(String(c.row(4).dropFirst().prefix(7)), "    0.5")
    XCTAssertEqual(String(c.row(7).dropFirst().prefix(7)), "  -0.05")
    XCTAssertTrue(c.row(8).contains("step 39"))
  }

  func testHparamChangeMarkerAtItsStep() {
    let c = lossCanvas([Fixtures.step(0, loss: 1), Fixtures.change(.beta, 0.8, 0.5, step: 20),
                        Fixtures.step(39, loss: 0)])
    // step 20 → dot column 20 → cell column 9 + 10.
    XCTAssertEqual(c[19, 1]?.char, "β")
    XCTAssertEqual(c[19, 2]?.char, "┊")
    XCTAssertNotEqual(c[18, 2]?.char, "┊")
  }

  func testASCIIFallbackUsesPlainCharacters() {
    let c = lossCanvas([Fixtures.step(0, loss: 1), Fixtures.change(.lr, 1e-4, 1e-5, step: 20),
                        Fixtures.step(39, loss: 0)], glyphs: .ascii)
    for s in c.cells.map(\.char) { XCTAssertTrue(s.isASCII, "non-ASCII \(s)") }
    XCTAssertEqual(c[19, 1]?.char, "l")
    XCTAssertEqual(c[9, 1]?.char, "*")
  }

  func testEmptyLossPanelSaysItIsWaiting() {
    let c = lossCanvas([])
    XCTAssertTrue(c.plainText.contains("waiting for the first step"))
  }
}
