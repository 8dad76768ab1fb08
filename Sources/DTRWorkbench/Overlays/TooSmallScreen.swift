/// What the workbench shows below its minimum size, instead of the panels.
public enum TooSmallScreen {
  /// The message for a `width × height` screen: the longest wording whose every line fits, the shortest
  /// one otherwise. The first line is the warning.
  static func lines(width: Int, height: Int, glyphs: Glyphs) -> [String] {
    let x = glyphs.unicode ? "×" : "x"
    let need = "need \(Layout.minWidth)\(x)\(Layout.minHeight)", have = "have \(width)\(x)\(height)"
    let wordings = [
      ["terminal too small: " + need, have, "q quits, ? shows keys"],
      ["too small: " + need, have, "q quits, ? keys"],
      ["too small", need, have, "q quit ? keys"],
      ["too small", need],
      [need],
    ]
    return wordings.first { w in w.count <= height && w.allSatisfy { $0.count <= width } } ?? wordings.last!
  }

  /// The screen shown below the minimum size, centred; keys keep working.
  public static func render(_ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let lines = lines(width: screen.width, height: screen.height, glyphs: ctx.glyphs)
    let top = screen.y + max(0, (screen.height - lines.count) / 2)
    for (i, l) in lines.enumerated() {
      canvas.text(screen.x + max(0, (screen.width - l.count) / 2), top + i, l,
                  ctx.style(i == 0 ? .warnFg : .mainFg, i == 0 ? .bold : []))
    }
  }
}
