/// A yes/no question over the panels (stop, quit, an unusual value).
public enum ConfirmDialog {
  /// A centred yes/no question.
  public static func render(_ what: Confirmation, _ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let q = what.question
    let width = min(screen.width - 2, q.count + 4)
    let r = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + screen.height / 2 - 2, width: width, height: 3)
    let inner = ctx.box(&canvas, r, title: "Confirm", focused: true)
    canvas.text(inner.x + 1, inner.y, q, ctx.style(.warnFg, .bold), maxWidth: inner.width - 1)
  }
}
