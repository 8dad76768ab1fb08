import DTRTraining

/// The hyperparameter editor box: α, β and lr with their current and staged values, the field being typed,
/// when the staged changes apply, and whether the typed value can be staged. Messages and key hints wrap,
/// so the box reads whole over an 80-column screen's loss chart.
public enum EditorOverlay {
  /// The hyperparameter editor, drawn over `r` (the loss chart, so the mask preview stays in view).
  public static func render(_ editor: HparamEditor, _ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext,
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
                          ctx.style(selected ? .hiFg : .mainFg, selected ? .bold : []), maxWidth: inner.width)
      if selected {
        let field = (editor.text + "_").padding(toLength: 12, withPad: " ", startingAt: 0)
        x = canvas.text(x, y, field, Style(fg: ctx.theme[.selectedFg], bg: ctx.theme[.selectedBg], attrs: ctx.color ? [] : .underline),
                        maxWidth: inner.x + inner.width - x)
      } else {
        x += 12
      }
      if let s = model.staged[h] {
        canvas.text(x + 1, y, "\(g.arrow) \(Format.value(s.value))", ctx.style(.warnFg), maxWidth: inner.x + inner.width - x - 1)
      }
    }
    if let first = model.staged.values.map(\.epoch).min() {
      canvas.text(inner.x, inner.y + 3, "pending: applies at epoch \(first)", ctx.style(.warnFg), maxWidth: inner.width)
    }
    let hints = "Tab field  Up/Down nudge  Enter stage  u unstage  Esc close".wrapped(to: inner.width, gap: "  ")
    let status = editor.error
    let message = (status ?? "ok: Enter stages \(editor.field.rawValue) = \(editor.text)").wrapped(to: inner.width)
    for (i, line) in message.prefix(max(0, inner.height - 4 - hints.count)).enumerated() {
      canvas.text(inner.x, inner.y + 4 + i, line, ctx.style(status == nil ? .okFg : .errorFg, .bold), maxWidth: inner.width)
    }
    for (i, line) in hints.enumerated() {
      canvas.text(inner.x, inner.y + inner.height - hints.count + i, line, ctx.style(.inactiveFg), maxWidth: inner.width)
    }
  }
}
