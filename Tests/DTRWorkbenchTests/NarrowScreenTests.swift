import DTRModels
import DTRTraining
import DTRWorkbench
import XCTest

/// What must stay readable when the screen is small: the staged changes on the status line, the editor,
/// long events, and the too-small message itself.
final class NarrowScreenTests: XCTestCase {
  /// A run in epoch 1 of 10 with β staged for epoch 2 by another client.
  func staged() -> WorkbenchController {
    WorkbenchController(model: Fixtures.model([
      Fixtures.runStart(), Fixtures.step(50, loss: 0.5, epoch: 1),
      Fixtures.at(50, .hparamStaged(HparamStaged(name: .beta, new: 0.25, epoch: 2))),
    ]), readOnly: false)
  }

  func statusLine(_ c: WorkbenchController, width: Int, glyphs: Glyphs = .utf8) -> String {
    var canvas = Canvas(width: width, height: 1)
    StatusBar.render(c, canvas.bounds, RenderContext(glyphs: glyphs), &canvas)
    return canvas.row(0)
  }

  /// At 80 columns the state and the staged change show whole, then as much of the rest as fits; on a
  /// wide screen everything does.
  func testStatusLineKeepsStateAndPendingChangesAt80Columns() {
    let narrow = statusLine(staged(), width: 80)
    for part in [" RUNNING ", "pending: applies at epoch 2  β→0.25", "epoch 1/10", "step 50/1000"] {
      XCTAssertTrue(narrow.contains(part), "\(part) missing: \(narrow)")
    }
    XCTAssertTrue(statusLine(staged(), width: 80, glyphs: .ascii).contains("pending: applies at epoch 2  b->0.25"))
    let wide = statusLine(staged(), width: 200)
    for part in ["DTR Workbench", "epoch 1/10 │ step 50/1000 │ 500 img/s │ ETA ", "α 1 β 0.5 η 1.0e-04", "pending: applies"] {
      XCTAssertTrue(wide.contains(part), "\(part) missing: \(wide)")
    }
    // Without staged changes, 80 columns keep progress, ETA and the hyperparameters.
    let plain = statusLine(WorkbenchController(model: Fixtures.model([Fixtures.runStart(), Fixtures.step(50, loss: 0.5)]),
                                               readOnly: false), width: 80)
    for part in ["RUNNING", "epoch 1/10 │ step 50/1000", "ETA ", "α 1 β 0.5 η 1.0e-04"] {
      XCTAssertTrue(plain.contains(part), "\(part) missing: \(plain)")
    }
  }

  /// Even at 40 columns the state and a short form of the staged change fit.
  func testStatusLineShortensPendingChangesLast() {
    let line = statusLine(staged(), width: 40)
    XCTAssertTrue(line.contains(" RUNNING "), line)
    XCTAssertTrue(line.contains("epoch 2: β→0.25"), line)
  }

  /// Over an 80×24 screen's loss chart the editor shows when the staged change applies, its whole error
  /// and all its key hints.
  func testEditorReadsWholeOverAnEightyColumnScreen() {
    var c = staged()
    _ = c.handle(.char("b"))
    for ch in "0.001" { _ = c.handle(.char(ch)) }
    c.fit(width: 80, height: 24)
    let frame = FrameRenderer().render(c, width: 80, height: 24, RenderContext())
    let box = (1...10).map { String(frame.row($0).dropFirst().prefix(44)) }.joined(separator: " ")
      .split(separator: " ").joined(separator: " ")
    for part in ["pending: applies at epoch 2", "beta 0.001 leaves no channel on in blocks.0 (8 channels); use beta ≥ 0.125",
                 "Tab field Up/Down nudge Enter stage u unstage Esc close"] {
      XCTAssertTrue(box.contains(part), "\(part) missing: \(box)")
    }
  }

  /// A long event wraps under its step instead of being cut; older events give way.
  func testLongEventsWrapInTheEventsPanel() {
    let reason = "beta 0.001 leaves no channel on in blocks.0 (8 channels); use beta ≥ 0.125"
    let m = Fixtures.model([Fixtures.runStart(), Fixtures.step(5, loss: 1),
                            Fixtures.at(7, .command(CommandAnswer(id: "x", cmd: "stage", status: .rejected, reason: reason)))])
    var canvas = Canvas(width: 46, height: 6)
    EventsPanel.render(m, canvas.bounds, RenderContext(), &canvas)
    let rows = Fixtures.rows(canvas)
    XCTAssertTrue(rows[1].contains("step 7  stage rejected:"), rows.joined(separator: "\n"))
    let text = rows.dropFirst().map { String($0.dropFirst(14).dropLast()) }.joined(separator: " ")
      .split(separator: " ").joined(separator: " ")
    XCTAssertTrue(text.contains("stage rejected: " + reason), text)
    XCTAssertFalse(rows.joined().contains("run started"), "the older event gives way")
  }

  /// Below 80×24 the message fits the screen whole, down to 10×1.
  func testTooSmallMessageFitsTheScreen() {
    for (w, h) in [(60, 20), (30, 10), (20, 8), (14, 4), (10, 1)] {
      var canvas = Canvas(width: w, height: h)
      TooSmallScreen.render(canvas.bounds, RenderContext(), &canvas)
      let text = canvas.plainText
      XCTAssertTrue(text.contains("need 80×24"), "\(w)×\(h):\n\(text)")
      if h >= 3 { XCTAssertTrue(text.contains("have \(w)×\(h)"), "\(w)×\(h):\n\(text)") }
    }
    var canvas = Canvas(width: 20, height: 8)
    TooSmallScreen.render(canvas.bounds, RenderContext(), &canvas)
    for line in ["too small", "need 80×24", "have 20×8", "q quit ? keys"] {
      XCTAssertTrue(canvas.plainText.contains(line), canvas.plainText)
    }
  }
}
