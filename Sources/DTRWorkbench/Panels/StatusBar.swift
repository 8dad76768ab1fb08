/// The top status line: run state, progress, hyperparameters and staged changes.
public enum StatusBar {
  /// The status line: run state, epoch, step, throughput, ETA, α, β, lr, pending changes, read-only mark.
  public static func render(_ c: WorkbenchController, _ r: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let m = c.model
    let g = ctx.glyphs
    let bar = Style(fg: ctx.theme[.mainFg], bg: ctx.theme[.selectedBg])
    canvas.fill(r, " ", bar)
    var x = canvas.text(r.x, r.y, " DTR Workbench ", bar.with(.bold))
    let state = m.runState
    let stateBg: ThemeKey
    switch state {
    case .running, .starting: stateBg = .runningBg
    case .paused, .pausing, .stopping, .stopped, .finished: stateBg = .pausedBg
    case .evaluating: stateBg = .pendingBg
    }
    x = canvas.text(x, r.y, " \(state.rawValue) ", Style(fg: ctx.theme[.bannerFg], bg: ctx.theme[stateBg], attrs: [.bold, ctx.color ? [] : .reverse]))
    if c.readOnly { x = canvas.text(x + 1, r.y, "WATCH (read-only)", bar.with(.bold)) }
    var fields: [String] = []
    if let e = m.epoch { fields.append("epoch \(e)" + (m.config?.epochs.map { "/\($0)" } ?? "")) }
    fields.append("step \(Format.count(m.step))" + (m.totalSteps.map { "/\(Format.count($0))" } ?? ""))
    if let ips = m.imagesPerSecond { fields.append("\(Format.value(ips)) img/s") }
    if let eta = m.eta, !m.hasEnded { fields.append("ETA \(Format.duration(eta))") }
    let hp = [("alpha", m.alpha), ("beta", m.beta), ("lr", m.lr)].compactMap { n, v in v.map { "\(g.symbol(n)) \(Format.value($0))" } }
    if !hp.isEmpty { fields.append(hp.joined(separator: " ")) }
    x = canvas.text(x, r.y, g.separator + fields.joined(separator: g.separator) + " ", bar, maxWidth: r.x + r.width - x)
    if let p = pendingText(m, ctx) {
      canvas.text(x + 1, r.y, " \(p) ", Style(fg: ctx.theme[.bannerFg], bg: ctx.theme[.pendingBg], attrs: [.bold]),
                  maxWidth: r.x + r.width - x - 1)
    }
  }

  /// "pending: applies at epoch N  β→0.5 …" for staged changes, nil when nothing is staged.
  public static func pendingText(_ m: WorkbenchModel, _ ctx: RenderContext) -> String? {
    guard let first = m.staged.values.map(\.epoch).min() else { return nil }
    let items = m.staged.sorted { $0.key.rawValue < $1.key.rawValue }
      .map { "\(ctx.glyphs.symbol($0.key.rawValue))\(ctx.glyphs.arrow)\(Format.value($0.value.value))" }
    return "pending: applies at epoch \(first)  " + items.joined(separator: " ")
  }
}
