import DTRTraining

/// The modal layers drawn over the panels: help, the hyperparameter editor, confirmations, and the
/// "terminal too small" screen.
public enum Overlays {
  /// Help lines generated from ``KeyTable``: a heading per scope, then `keys  description` per binding.
  /// Bindings that do nothing in read-only mode are marked when `readOnly`.
  public static func helpLines(readOnly: Bool) -> [(text: String, enabled: Bool, heading: Bool)] {
    var lines: [(String, Bool, Bool)] = []
    for scope in KeyBinding.Scope.allCases {
      let rows = KeyTable.bindings.filter { $0.scope == scope }
      guard !rows.isEmpty else { continue }
      lines.append((scope.rawValue, true, true))
      for b in rows {
        let enabled = !readOnly || b.readOnly
        lines.append(("  " + b.label.padding(toLength: 11, withPad: " ", startingAt: 0) + b.help
                        + (enabled ? "" : " (read-only)"), enabled, false))
      }
    }
    return lines
  }

  /// The help overlay, flowing into as many columns as the height needs.
  public static func renderHelp(readOnly: Bool, _ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let lines = helpLines(readOnly: readOnly)
    let rowsAvailable = max(1, screen.height - 4)
    let columns = min(3, (lines.count + rowsAvailable - 1) / rowsAvailable)
    let perColumn = (lines.count + columns - 1) / columns
    let width = min(screen.width - 2, columns * 84)
    let height = min(screen.height - 2, perColumn + 2)
    let r = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2,
                 width: width, height: height)
    let inner = ctx.box(&canvas, r, title: "Keys  (any key closes)", focused: true)
    let colWidth = inner.width / columns
    for (i, line) in lines.enumerated() where i / perColumn < columns && i % perColumn < inner.height {
      let x = inner.x + (i / perColumn) * colWidth, y = inner.y + i % perColumn
      let style = line.heading ? ctx.style(.title, [.bold, .underline])
        : line.enabled ? ctx.style(.mainFg) : ctx.style(.inactiveFg, .dim)
      canvas.text(x, y, line.text.truncated(to: colWidth - 1, ellipsis: ctx.glyphs.ellipsis), style)
    }
  }

  /// The hyperparameter editor, drawn over `r` (the loss chart, so the mask preview stays in view).
  public static func renderEditor(_ editor: HparamEditor, _ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext,
                                  _ canvas: inout Canvas) {
    let width = min(r.width, 72), height = min(r.height, 10)
    let box = Rect(x: r.x + (r.width - width) / 2, y: r.y + (r.height - height) / 2, width: width, height: height)
    let inner = ctx.box(&canvas, box, title: "Edit hyperparameters", focused: true)
    let g = ctx.glyphs
    for (i, h) in [Hyperparameter.alpha, .beta, .lr].enumerated() {
      let y = inner.y + i
      let selected = h == editor.field
      let current = model.value(of: h).map(Format.value) ?? "?"
      var x = canvas.text(inner.x, y, (selected ? "> " : "  ") + "\(g.symbol(h.rawValue)) \(h.rawValue)".padding(toLength: 8, withPad: " ", startingAt: 0)
                            + current.padding(toLength: 9, withPad: " ", startingAt: 0),
                          ctx.style(selected ? .hiFg : .mainFg, selected ? .bold : []))
      if selected {
        let field = (editor.text + "_").padding(toLength: 12, withPad: " ", startingAt: 0)
        x = canvas.text(x, y, field, Style(fg: ctx.theme[.selectedFg], bg: ctx.theme[.selectedBg], attrs: ctx.color ? [] : .underline))
      } else {
        x += 12
      }
      if let s = model.staged[h] {
        canvas.text(x + 1, y, "\(g.arrow) \(Format.value(s.value))  pending: applies at epoch \(s.epoch)",
                    ctx.style(.warnFg), maxWidth: inner.x + inner.width - x - 1)
      }
    }
    let status = editor.error
    canvas.text(inner.x, inner.y + 4, status ?? "ok: Enter stages \(editor.field.rawValue) = \(editor.text)",
                ctx.style(status == nil ? .okFg : .errorFg, .bold), maxWidth: inner.width)
    canvas.text(inner.x, inner.y + inner.height - 1, "Tab field  +/- nudge  Enter stage  u unstage  Esc close",
                ctx.style(.inactiveFg), maxWidth: inner.width)
  }

  /// A centred yes/no question.
  public static func renderConfirm(_ what: Confirmation, _ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let q = what.question
    let width = min(screen.width - 2, q.count + 4)
    let r = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + screen.height / 2 - 2, width: width, height: 3)
    let inner = ctx.box(&canvas, r, title: "Confirm", focused: true)
    canvas.text(inner.x + 1, inner.y, q, ctx.style(.warnFg, .bold), maxWidth: inner.width - 1)
  }

  /// The screen shown below the minimum size; keys keep working.
  public static func renderTooSmall(_ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let x = ctx.glyphs.unicode ? "×" : "x"
    let lines = ["terminal too small: need \(Layout.minWidth)\(x)\(Layout.minHeight)",
                 "have \(screen.width)\(x)\(screen.height)", "q quits, ? shows keys"]
    for (i, l) in lines.enumerated() {
      let y = screen.y + screen.height / 2 - 1 + i
      canvas.text(screen.x + max(0, (screen.width - l.count) / 2), y, l, ctx.style(i == 0 ? .warnFg : .mainFg, i == 0 ? .bold : []))
    }
  }
}
