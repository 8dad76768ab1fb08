/// The bottom line: the current message (or the last confirmation) on the left, key hints on the right.
public enum HintLine {
  /// Draws the line into `r`: the message on the left, the hints right-aligned.
  public static func render(_ c: WorkbenchController, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    canvas.fill(r, " ", ctx.style(.mainFg))
    let hints = c.canSteer ? "? help  p pause  e edit  s save  x stop  q quit" : "? help  q quit"
    let hx = r.x + max(0, r.width - hints.count - 1)
    canvas.text(hx, r.y, hints, ctx.style(.inactiveFg))
    if let msg = c.message {
      canvas.text(r.x + 1, r.y, msg.text, ctx.style(msg.isError ? .errorFg : .hiFg, .bold), maxWidth: hx - r.x - 2)
    } else if let conf = c.model.confirmation {
      canvas.text(r.x + 1, r.y, conf, ctx.style(.okFg), maxWidth: hx - r.x - 2)
    }
  }
}
