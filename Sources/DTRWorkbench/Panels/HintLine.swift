/// The bottom line: the current message (or the last confirmation) on the left, key hints on the right.
/// A message longer than the room the hints leave shortens the hints, down to none, before it is cut.
public enum HintLine {
  /// Draws the line into `r`.
  public static func render(_ c: WorkbenchController, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    canvas.fill(r, " ", ctx.style(.mainFg))
    let text = c.message?.text ?? c.model.confirmation ?? ""
    let forms = c.canSteer ? ["? help  p pause  e edit  s save  x stop  q quit", "? help  q quit", ""] : ["? help  q quit", ""]
    let hints = forms.first { text.count + 3 + $0.count <= r.width } ?? ""
    let hx = r.x + max(0, r.width - hints.count - 1)
    canvas.text(hx, r.y, hints, ctx.style(.inactiveFg))
    let style = c.message.map { ctx.style($0.isError ? .errorFg : .hiFg, .bold) } ?? ctx.style(.okFg)
    canvas.text(r.x + 1, r.y, text, style, maxWidth: (hints.isEmpty ? r.x + r.width : hx) - r.x - 2)
  }
}
