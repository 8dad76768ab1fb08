/// The comparison view's `?` overlay: every binding of ``ComparisonKeyTable``.
public enum ComparisonHelp {
  /// The help lines: `keys  description` per binding.
  public static var lines: [String] {
    ComparisonKeyTable.bindings.map { "  " + $0.label.padding(toLength: 7, withPad: " ", startingAt: 0) + $0.help }
  }

  /// The overlay, centred on `screen`.
  public static func render(_ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let lines = lines
    let width = min(screen.width - 2, lines.map(\.count).max()! + 4), height = min(screen.height - 2, lines.count + 4)
    let r = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
    let inner = ctx.box(&canvas, r, title: "Keys  (any key closes)", focused: true)
    canvas.text(inner.x + 1, inner.y, "Watching never steers: the runs go on whatever you press.", ctx.style(.inactiveFg),
                maxWidth: inner.width - 1)
    for (i, line) in lines.enumerated() where 2 + i < inner.height {
      canvas.text(inner.x, inner.y + 2 + i, line.truncated(to: inner.width, ellipsis: ctx.glyphs.ellipsis), ctx.style(.mainFg))
    }
  }
}
