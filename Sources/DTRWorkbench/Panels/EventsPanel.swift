/// The most recent events, newest at the bottom, coloured by level.
public enum EventsPanel {
  /// Draws the panel into `r`.
  public static func render(_ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let inner = ctx.box(&canvas, r, title: "Events")
    let lines = model.log.suffix(inner.height)
    for (i, line) in lines.enumerated() {
      let key: ThemeKey
      switch line.level {
      case .info: key = .mainFg
      case .good: key = .okFg
      case .warning: key = .warnFg
      case .error: key = .errorFg
      }
      let x = canvas.text(inner.x, inner.y + i, "step \(Format.count(line.step))".leftPadded(to: 11) + "  ",
                          ctx.style(.inactiveFg))
      canvas.text(x, inner.y + i, line.text.truncated(to: inner.x + inner.width - x, ellipsis: ctx.glyphs.ellipsis),
                  ctx.style(key))
    }
  }
}
