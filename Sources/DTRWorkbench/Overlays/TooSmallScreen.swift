/// What the workbench shows below its minimum size, instead of the panels.
public enum TooSmallScreen {
  /// The screen shown below the minimum size; keys keep working.
  public static func render(_ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let x = ctx.glyphs.unicode ? "×" : "x"
    let lines = ["terminal too small: need \(Layout.minWidth)\(x)\(Layout.minHeight)",
                 "have \(screen.width)\(x)\(screen.height)", "q quits, ? shows keys"]
    for (i, l) in lines.enumerated() {
      let y = screen.y + screen.height / 2 - 1 + i
      canvas.text(screen.x + max(0, (screen.width - l.count) / 2), y, l, ctx.style(i == 0 ? .warnFg : .mainFg, i == 0 ? .bold : []))
    }
  }
}
