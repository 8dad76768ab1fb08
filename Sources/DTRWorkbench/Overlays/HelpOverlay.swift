/// The `?` overlay: every key binding, generated from ``KeyTable``.
public enum HelpOverlay {
  /// Help lines generated from ``KeyTable``: a heading per scope, then `keys  description` per binding.
  /// Bindings that do nothing in read-only mode are marked when `readOnly`.
  public static func lines(readOnly: Bool) -> [(text: String, enabled: Bool, heading: Bool)] {
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
  public static func render(readOnly: Bool, _ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let lines = lines(readOnly: readOnly)
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
}
