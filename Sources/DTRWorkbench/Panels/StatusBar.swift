/// The top status line: run state, progress, hyperparameters and staged changes.
///
/// When the line is too narrow for everything, the least important fields shrink or go first (the title,
/// then throughput, ETA, α β η, the step total, the epoch), so the run state and the staged changes
/// always show, at 80 columns as on wider terminals.
public enum StatusBar {
  /// One piece of the line: its forms from longest to shortest (an empty form drops it), the blank cells
  /// before it, how it is drawn, and its rank (the lowest rank shrinks first).
  struct Field {
    var forms: [String]
    var gap = 0
    var style: Style
    var rank: Int
  }

  /// Draws the line into `r`.
  public static func render(_ c: WorkbenchController, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let bar = Style(fg: ctx.theme[.mainFg], bg: ctx.theme[.selectedBg])
    canvas.fill(r, " ", bar)
    var x = r.x
    for (field, text) in fit(fields(c, ctx), width: r.width) where !text.isEmpty {
      x = canvas.text(x + field.gap, r.y, text, field.style, maxWidth: r.x + r.width - x - field.gap)
    }
  }

  /// Every field, in line order, before fitting.
  static func fields(_ c: WorkbenchController, _ ctx: RenderContext) -> [Field] {
    let m = c.model, g = ctx.glyphs, sep = g.separator
    let bar = Style(fg: ctx.theme[.mainFg], bg: ctx.theme[.selectedBg])
    let stateBg: ThemeKey
    switch m.runState {
    case .running, .starting: stateBg = .runningBg
    case .paused, .pausing, .stopping, .stopped, .finished: stateBg = .pausedBg
    case .evaluating: stateBg = .pendingBg
    }
    let banner = Style(fg: ctx.theme[.bannerFg], bg: ctx.theme[stateBg], attrs: [.bold, ctx.color ? [] : .reverse])
    var out = [
      Field(forms: [" DTR Workbench ", ""], style: bar.with(.bold), rank: 0),
      Field(forms: [" \(m.runState.rawValue) "], style: banner, rank: 100),
    ]
    if c.readOnly { out.append(Field(forms: ["WATCH (read-only)", "WATCH", ""], gap: 1, style: bar.with(.bold), rank: 80)) }
    if let e = m.epoch {
      let total = m.config?.epochs.map { "/\($0)" } ?? ""
      out.append(Field(forms: [sep + "epoch \(e)" + total, sep + "epoch \(e)", ""], style: bar, rank: 60))
    }
    let step = sep + "step \(Format.count(m.step))"
    out.append(Field(forms: [step + (m.totalSteps.map { "/\(Format.count($0))" } ?? ""), step, ""], style: bar, rank: 50))
    if let ips = m.imagesPerSecond { out.append(Field(forms: [sep + "\(Format.value(ips)) img/s", ""], style: bar, rank: 10)) }
    if let eta = m.eta, !m.hasEnded { out.append(Field(forms: [sep + "ETA \(Format.duration(eta))", ""], style: bar, rank: 20)) }
    let hp = [("alpha", m.alpha), ("beta", m.beta), ("lr", m.lr)].compactMap { n, v in v.map { "\(g.symbol(n)) \(Format.value($0))" } }
    if !hp.isEmpty { out.append(Field(forms: [sep + hp.joined(separator: " "), ""], style: bar, rank: 30)) }
    if let first = m.staged.values.map(\.epoch).min() {
      let items = m.staged.sorted { $0.key.rawValue < $1.key.rawValue }
        .map { "\(g.symbol($0.key.rawValue))\(g.arrow)\(Format.value($0.value.value))" }.joined(separator: " ")
      out.append(Field(forms: [" pending: applies at epoch \(first)  \(items) ", " epoch \(first): \(items) "], gap: 2,
                       style: Style(fg: ctx.theme[.bannerFg], bg: ctx.theme[.pendingBg], attrs: [.bold]), rank: 90))
    }
    return out
  }

  /// The form of each field that fits `width` cells: while the line is too long, the lowest-ranked field
  /// that can still shrink takes its next form.
  static func fit(_ fields: [Field], width: Int) -> [(Field, String)] {
    var chosen = [Int](repeating: 0, count: fields.count)
    func length() -> Int {
      zip(fields, chosen).reduce(0) { n, p in
        let text = p.0.forms[p.1]
        return n + (text.isEmpty ? 0 : p.0.gap + text.unicodeScalars.count)
      }
    }
    while length() > width {
      let shrinkable = fields.indices.filter { chosen[$0] < fields[$0].forms.count - 1 }
      guard let i = shrinkable.min(by: { fields[$0].rank < fields[$1].rank }) else { break }
      chosen[i] += 1
    }
    return zip(fields, chosen).map { ($0, $0.forms[$1]) }
  }
}
