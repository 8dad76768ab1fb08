import DTRTraining

/// The hyperparameter editor box: α, β and lr with their current and staged values, the field being typed,
/// and whether the typed value can be staged.
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
}
