/// The comparison view's top line: what is compared, how many cells are done, and which cell trains now
/// at which step.
public enum ComparisonStatusLine {
  /// The fields after the title: `experiment NAME`, `cells 3/8 done`, `training routing=dtr-s1 step 1.2k/4000`.
  public static func fields(_ m: ComparisonModel) -> [String] {
    var fields = [m.title]
    if let plan = m.plan { fields.append("cells \(m.results?.cellsDone ?? 0)/\(plan.cells.count) done") }
    let training = m.training
    if let live = training.first {
      var text = "training \(live.name) step \(Format.count(live.step))" + (live.totalSteps.map { "/" + Format.count($0) } ?? "")
      if training.count > 1 { text += " (+\(training.count - 1) more)" }
      fields.append(text)
    } else {
      fields.append("nothing training")
    }
    return fields
  }

  /// Draws the line into `r`.
  public static func render(_ m: ComparisonModel, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let bar = Style(fg: ctx.theme[.mainFg], bg: ctx.theme[.selectedBg])
    canvas.fill(r, " ", bar)
    var x = canvas.text(r.x, r.y, " DTR Compare ", bar.with(.bold))
    x = canvas.text(x + 1, r.y, "WATCH (read-only)", bar.with(.bold))
    let g = ctx.glyphs
    canvas.text(x, r.y, g.separator + fields(m).joined(separator: g.separator), bar, maxWidth: r.x + r.width - x)
  }
}
