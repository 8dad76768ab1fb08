import DTRTraining

/// Draws whole frames: lays out the panels for the terminal size, draws each into one canvas, then the
/// overlay on top. Keeps the caches that make redraws cheap (decoded sample grids, mask tables).
public final class FrameRenderer {
  private let images = ImageCache()
  private var maskKey: String?
  private var maskSource: MaskSource?

  /// A renderer with empty caches.
  public init() {}

  /// The frame for a `width × height` terminal, drawn from the controller as it is (its views fitted by
  /// ``WorkbenchController/fit(width:height:)``); nothing here changes view state.
  public func render(_ c: WorkbenchController, width: Int, height: Int, _ ctx: RenderContext) -> Canvas {
    var canvas = Canvas(width: width, height: height, style: ctx.style(.mainFg))
    guard let layout = Layout(width: width, height: height) else {
      TooSmallScreen.render(canvas.bounds, ctx, &canvas)
      if c.overlay == .help { HelpOverlay.render(readOnly: c.readOnly, scroll: c.helpScroll, canvas.bounds, ctx, &canvas) }
      return canvas
    }
    StatusBar.render(c, layout.status, ctx, &canvas)
    for panel in PanelID.allCases {
      let r = layout.rect(panel, expanded: c.expanded)
      guard !r.isEmpty else { continue }
      switch panel {
      case .loss: LossPanel.render(c.model, c.loss, r, ctx, &canvas)
      case .timestepLoss: TimestepLossPanel.render(c.model, perBucket: c.perBucketHeat, r, ctx, &canvas)
      case .events: EventsPanel.render(c.model, r, ctx, &canvas)
      case .masks: MaskPanel.render(masks(for: c), c.mask, r, ctx, &canvas)
      case .fid: FIDPanel.render(c.model, r, ctx, &canvas)
      case .samples: SamplesPanel.render(c.model, c.samples, images: images, r, ctx, &canvas)
      case .affinity: AffinityPanel.render(c.model, c.affinity, r, ctx, &canvas)
      }
    }
    HintLine.render(c, layout.hints, ctx, &canvas)
    switch c.overlay {
    case .none: break
    case .help: HelpOverlay.render(readOnly: c.readOnly, scroll: c.helpScroll, canvas.bounds, ctx, &canvas)
    case .editor(let e):
      // Over the loss chart, so the mask preview stays visible (over the body when a panel is expanded).
      let r = c.expanded == nil ? layout.loss : layout.rect(c.expanded!, expanded: c.expanded)
      EditorOverlay.render(e, c.model, r, ctx, &canvas)
    case .confirm(let q): ConfirmDialog.render(q, canvas.bounds, ctx, &canvas)
    }
    return canvas
  }

  /// The mask tables to show: the current α/β, or while the editor is open a preview with the typed (or
  /// staged) α/β. Recomputed only when the inputs change.
  func masks(for c: WorkbenchController) -> MaskSource? {
    let m = c.model
    var alpha = m.alpha, beta = m.beta, preview = false
    if case .editor(let e) = c.overlay {
      func proposed(_ h: Hyperparameter) -> Double? {
        if e.field == h, e.error == nil, let v = e.value { return v }
        return m.staged[h]?.value
      }
      if let a = proposed(.alpha) { alpha = a; preview = true }
      if let b = proposed(.beta) { beta = b; preview = true }
    }
    let key = "\(String(describing: m.config)) \(String(describing: alpha)) \(String(describing: beta)) \(preview)"
    if key != maskKey {
      maskKey = key
      maskSource = MaskSource.make(config: m.config, alpha: alpha, beta: beta, isPreview: preview)
    }
    return maskSource
  }
}
