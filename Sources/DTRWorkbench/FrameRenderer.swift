import DTRTraining

/// Draws whole frames: lays out the panels for the terminal size, draws each into one canvas, then the
/// overlay on top. Keeps the caches that make redraws cheap (decoded sample grids, mask tables).
public final class FrameRenderer {
  private let images = ImageCache()
  private var maskKey: String?
  private var maskSource: MaskSource?

  /// A renderer with empty caches.
  public init() {}

  /// The frame for a `width × height` terminal. Panels keep per-frame view state (y scale, cursor steps)
  /// in the controller.
  public func render(_ c: inout WorkbenchController, width: Int, height: Int, _ ctx: RenderContext) -> Canvas {
    var canvas = Canvas(width: width, height: height, style: ctx.style(.mainFg))
    guard let layout = Layout(width: width, height: height) else {
      Overlays.renderTooSmall(canvas.bounds, ctx, &canvas)
      if c.overlay == .help { Overlays.renderHelp(readOnly: c.readOnly, canvas.bounds, ctx, &canvas) }
      return canvas
    }
    StatusBar.render(c, layout.status, ctx, &canvas)
    LossPanel.render(c.model, &c.loss, layout.loss, ctx, &canvas)
    TimestepLossPanel.render(c.model, perBucket: c.perBucketHeat, layout.timestepLoss, ctx, &canvas)
    EventsPanel.render(c.model, layout.events, ctx, &canvas)
    MaskPanel.render(masks(for: c), &c.mask, layout.masks, ctx, &canvas)
    FIDPanel.render(c.model, layout.fid, ctx, &canvas)
    SamplesPanel.render(c.model, c.samples, images: images, layout.samples, ctx, &canvas)
    StatusBar.renderHints(c, layout.hints, ctx, &canvas)
    switch c.overlay {
    case .none: break
    case .help: Overlays.renderHelp(readOnly: c.readOnly, canvas.bounds, ctx, &canvas)
    case .editor(let e): Overlays.renderEditor(e, c.model, layout.loss, ctx, &canvas)
    case .confirm(let q): Overlays.renderConfirm(q, canvas.bounds, ctx, &canvas)
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
