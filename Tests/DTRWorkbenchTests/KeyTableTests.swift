import DTRModels
import DTRTraining
import DTRWorkbench
import XCTest

final class KeyTableTests: XCTestCase {
  func testHelpIsGeneratedFromTheKeyTableBothWays() {
    let rows = HelpOverlay.blocks(readOnly: false, width: 1000).flatMap { $0 }.filter { !$0.heading }.map(\.text)
    XCTAssertEqual(rows.count, KeyTable.bindings.count, "one help row per binding, no more")
    for b in KeyTable.bindings {
      XCTAssertTrue(rows.contains { $0.contains(b.label) && $0.hasSuffix(b.help) }, "\(b.label): \(b.help)")
    }
    // The drawn overlay shows every binding's keys.
    var canvas = Canvas(width: 200, height: 60)
    HelpOverlay.render(readOnly: false, scroll: 0, canvas.bounds, RenderContext(), &canvas)
    let text = canvas.plainText
    for b in KeyTable.bindings { XCTAssertTrue(text.contains("  " + b.label + " "), b.label) }
    XCTAssertFalse(text.contains("more below"), "200×60 holds the whole help")
  }

  /// Narrow help wraps each description beside its keys: no row is wider than asked, and every
  /// description reads whole from its rows.
  func testHelpWrapsDescriptionsWhole() {
    for width in [40, 60, 77] {
      let blocks = HelpOverlay.blocks(readOnly: true, width: width)
      for row in blocks.joined() { XCTAssertLessThanOrEqual(row.text.count, width, row.text) }
      let bindingBlocks = blocks.map { $0.filter { !$0.heading } }
      XCTAssertEqual(bindingBlocks.count, KeyTable.bindings.count)
      for (b, rows) in zip(KeyTable.bindings, bindingBlocks) {
        let read = rows.map(\.text).joined(separator: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(read.hasSuffix(b.help + (b.readOnly ? "" : " (read-only)")), "\(width): \(read)")
      }
    }
  }

  /// At 80×24 the help scrolls: Up/Down by a row, PgUp/PgDn by a page, within its rows; the position
  /// and the scroll keys are on its frame; any other key closes it.
  func testHelpScrollsWhenItDoesNotFit() {
    var c = running()
    c.fit(width: 80, height: 24)
    _ = c.handle(.char("?"))
    func frame() -> String { FrameRenderer().render(c, width: 80, height: 24, RenderContext()).plainText }
    XCTAssertTrue(frame().contains("Keys  Up Down PgUp PgDn scroll, any other key closes"), frame())
    XCTAssertTrue(frame().contains("1–20 of "), frame())
    XCTAssertTrue(frame().contains("more below"))
    _ = c.handle(.down)
    XCTAssertEqual(c.helpScroll, 1)
    XCTAssertEqual(c.overlay, .help)
    _ = c.handle(.up)
    _ = c.handle(.up)
    XCTAssertEqual(c.helpScroll, 0, "not above the top")
    for _ in 0..<10 { _ = c.handle(.pageDown) }
    XCTAssertFalse(frame().contains("more below"), "PgDn stops at the end")
    let end = c.helpScroll
    XCTAssertGreaterThan(end, 0)
    _ = c.handle(.pageUp)
    XCTAssertEqual(c.helpScroll, end - 20)
    c.fit(width: 200, height: 60)
    XCTAssertEqual(c.helpScroll, 0, "a screen that holds everything does not scroll")
    _ = c.handle(.char("w"))
    XCTAssertEqual(c.overlay, .none)
  }

  func testEveryKeyDispatchesToItsOwnBinding() {
    for b in KeyTable.bindings {
      for k in b.keys { XCTAssertEqual(KeyTable.binding(for: k, in: b.scope)?.help, b.help, "\(k) in \(b.scope)") }
    }
  }

  func testReadOnlyHelpMarksSteeringKeys() {
    let rows = HelpOverlay.blocks(readOnly: true, width: 1000).flatMap { $0 }
    let pause = rows.first { $0.text.contains("pause at epoch end") }!
    XCTAssertFalse(pause.enabled)
    XCTAssertTrue(pause.text.hasSuffix("(read-only)"))
    XCTAssertTrue(rows.first { $0.text.contains("toggle log y") }!.enabled)
  }

  func running() -> WorkbenchController {
    WorkbenchController(model: Fixtures.model([Fixtures.runStart(), Fixtures.step(50, loss: 0.5, epoch: 2)]),
                        readOnly: false)
  }

  func testPauseKeyCyclesEpochEndNowAndResume() {
    var c = running()
    XCTAssertEqual(c.handle(.char("p")), [.send(.pauseAtEpochEnd)])
    XCTAssertEqual(c.model.runState, .pausing)
    XCTAssertEqual(c.handle(.char("p")), [.send(.pauseNow)])
    c.model.apply(Fixtures.at(51, .pause(Paused(at: "step"))))
    XCTAssertEqual(c.model.runState, .paused)
    XCTAssertEqual(c.handle(.char("p")), [.send(.resume)])
    c.model.apply(Fixtures.at(51, .resume(Resumed())))
    XCTAssertEqual(c.model.runState, .running)
  }

  func testEditorRejectsInvalidValuesAndStagesValidOnes() {
    var c = running()
    _ = c.handle(.char("b"))
    guard case .editor(let e0) = c.overlay else { return XCTFail("editor not open") }
    XCTAssertEqual(e0.text, "0.5")
    for _ in 0..<3 { _ = c.handle(.backspace) }
    for ch in "1.5" { _ = c.handle(.char(ch)) }
    guard case .editor(let e1) = c.overlay else { return XCTFail() }
    XCTAssertEqual(e1.error, "beta must be in (0, 1] (got 1.5)")
    XCTAssertEqual(c.handle(.enter), [], "invalid: nothing sent")
    XCTAssertEqual(c.message?.text, "beta must be in (0, 1] (got 1.5)")
    XCTAssertTrue(c.model.staged.isEmpty)

    _ = c.handle(.backspace)
    _ = c.handle(.backspace)
    _ = c.handle(.backspace)
    for ch in "0.25" { _ = c.handle(.char(ch)) }
    XCTAssertEqual(c.handle(.enter), [.send(.stage(.beta, 0.25))])
    XCTAssertEqual(c.model.staged[.beta]?.value, 0.25)
    XCTAssertEqual(c.model.staged[.beta]?.epoch, 3)

    var canvas = Canvas(width: 80, height: 12)
    guard case .editor(let e2) = c.overlay else { return XCTFail() }
    EditorOverlay.render(e2, c.model, canvas.bounds, RenderContext(), &canvas)
    XCTAssertTrue(canvas.plainText.contains("pending: applies at epoch 3"), canvas.plainText)

    // The trainer confirms: the staged change clears and a marker appears.
    c.model.apply(Fixtures.change(.beta, 0.5, 0.25, step: 300))
    XCTAssertTrue(c.model.staged.isEmpty)
    XCTAssertEqual(c.model.confirmation, "applied: beta 0.5 → 0.25")
    XCTAssertEqual(c.model.changes.map(\.step), [300])
    XCTAssertEqual(c.model.beta, 0.25)
  }

  func testEditorNudgesAndExponentSign() {
    var e = HparamEditor(field: .lr, value: 1e-4, model: ModelConfig())
    e.nudge(up: true, fallback: nil)
    XCTAssertEqual(e.value!, 1e-4 * pow(10, 0.25), accuracy: 1e-7, "4 significant digits")
    e = HparamEditor(field: .lr, value: nil, model: ModelConfig())
    for ch in "1e" { e.type(ch) }
    e.type("-")
    e.type("4")
    XCTAssertEqual(e.value, 1e-4)
    XCTAssertNil(e.error)
    e = HparamEditor(field: .alpha, value: 0.25, model: ModelConfig())
    e.nudge(up: false, fallback: nil)
    XCTAssertEqual(e.value, 0.25, "alpha stops at 0.25")
    e = HparamEditor(field: .beta, value: 1, model: ModelConfig())
    e.nudge(up: true, fallback: nil)
    XCTAssertEqual(e.value, 1, "beta stops at 1")
    e = HparamEditor(field: .alpha, value: nil, model: ModelConfig())
    XCTAssertEqual(e.error, "type a value for alpha")
    e.type("x")
    XCTAssertEqual(e.text, "", "letters are not typed")
  }

  func testExponentMinusTypesInsteadOfNudging() {
    var c = running()
    _ = c.handle(.char("l"))
    for _ in 0..<8 { _ = c.handle(.backspace) }
    for ch in "3e-5" { _ = c.handle(.char(ch)) }
    XCTAssertEqual(c.handle(.enter), [.send(.stage(.lr, 3e-5))])
  }

  func testStopAndQuitNeedConfirmation() {
    var c = running()
    XCTAssertEqual(c.handle(.char("x")), [])
    XCTAssertEqual(c.overlay, .confirm(.stop))
    XCTAssertEqual(c.handle(.char("n")), [])
    XCTAssertEqual(c.overlay, .none)
    XCTAssertEqual(c.handle(.char("q")), [])
    XCTAssertEqual(c.handle(.char("y")), [.send(.stop), .leaveAfterStop])
    XCTAssertEqual(c.model.runState, .stopping)
    XCTAssertEqual(c.handle(.char("q")), [.leave], "second q leaves without waiting")
  }

  func testReadOnlyIgnoresSteeringButNotViewing() {
    var c = WorkbenchController(model: Fixtures.model([Fixtures.runStart()]), readOnly: true)
    for k in ["p", "P", "e", "a", "b", "l", "u", "s", "x"] {
      XCTAssertEqual(c.handle(.char(Character(k))), [], k)
      XCTAssertEqual(c.overlay, .none, k)
      XCTAssertEqual(c.message?.isError, true)
    }
    _ = c.handle(.char("y"))
    XCTAssertTrue(c.loss.logY)
    XCTAssertEqual(c.handle(.char("q")), [.leave], "no confirmation when watching")
  }

  func testHelpOpensAndAnyKeyCloses() {
    var c = running()
    _ = c.handle(.char("?"))
    XCTAssertEqual(c.overlay, .help)
    _ = c.handle(.char("?"))
    XCTAssertEqual(c.overlay, .none)
    _ = c.handle(.f1)
    _ = c.handle(.char("w"))
    XCTAssertEqual(c.overlay, .none)
    XCTAssertEqual(c.loss.weight, 0.9, "the closing key still acts")
  }
}

final class DocsTests: XCTestCase {
  func testDocsListEveryBinding() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/workbench.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    for b in KeyTable.bindings where !b.help.hasPrefix("expand ") {
      XCTAssertTrue(text.contains(b.help), "docs/workbench.md lacks \"\(b.help)\"")
    }
    for p in PanelID.allCases { XCTAssertTrue(text.contains(p.title), p.title) }
  }
}
