/// The most recent events, newest at the bottom, coloured by level. A long event (a rejection and its
/// reason) wraps onto the rows under it rather than being cut; the events that fit whole are shown.
public enum EventsPanel {
  /// Columns of the step before each event's text.
  static let stepWidth = 13

  /// Draws the panel into `r`.
  public static func render(_ model: WorkbenchModel, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let inner = ctx.box(&canvas, r, title: "Events")
    guard inner.height > 0 else { return }
    var shown: [(line: WorkbenchModel.LogLine, rows: [String])] = []
    var height = 0
    for line in model.log.reversed() {
      let rows = line.text.wrapped(to: inner.width - stepWidth)
      if height + rows.count > inner.height {
        if shown.isEmpty { shown.append((line, Array(rows.prefix(inner.height)))) }
        break
      }
      shown.insert((line, rows), at: 0)
      height += rows.count
    }
    var y = inner.y
    for (line, rows) in shown {
      let key: ThemeKey
      switch line.level {
      case .info: key = .mainFg
      case .good: key = .okFg
      case .warning: key = .warnFg
      case .error: key = .errorFg
      }
      canvas.text(inner.x, y, "step \(Format.count(line.step))".leftPadded(to: stepWidth - 2), ctx.style(.inactiveFg))
      for row in rows {
        canvas.text(inner.x + stepWidth, y, row, ctx.style(key), maxWidth: inner.width - stepWidth)
        y += 1
      }
    }
  }
}
