import DTRModels
import DTRTraining

/// Where the mask panel's cursor is, which block it shows, and how far one cursor move goes.
public struct MaskView: Sendable, Equatable {
  /// Cursor position in the table: timestep row and channel column.
  public var t = 0, c = 0
  /// The routed block shown (random routing has one table per block).
  public var block = 0
  /// Table rows and columns per drawn pixel, recorded by the last draw (one cursor move = one pixel).
  public var rowsPerPixel = 1, colsPerPixel = 1

  /// A view at t = 0, c = 0, block 0.
  public init() {}

  /// Moves the cursor by `dt` and `dc` pixels, clamped to a `timesteps × channels` table.
  public mutating func move(dt: Int, dc: Int, timesteps: Int, channels: Int) {
    t = min(max(t + dt * rowsPerPixel, 0), max(timesteps - 1, 0))
    c = min(max(c + dc * colsPerPixel, 0), max(channels - 1, 0))
  }
}

/// The mask tables the panel draws, with the α/β they were made from.
public struct MaskSource: Sendable {
  /// One table per routed block.
  public var tables: [RoutingMask]
  /// The routed blocks, parallel to ``tables``.
  public var blocks: [RoutedBlock]
  /// How many of the blocks the panel steps through (1 when every block has the same table).
  public var browsable: Int
  public var kind: RoutingKind
  public var alpha, beta: Double
  /// True when these are the staged (not yet applied) α/β being previewed.
  public var isPreview: Bool

  /// A source.
  public init(tables: [RoutingMask], blocks: [RoutedBlock], browsable: Int, kind: RoutingKind, alpha: Double,
              beta: Double, isPreview: Bool = false) {
    self.tables = tables
    self.blocks = blocks
    self.browsable = browsable
    self.kind = kind
    self.alpha = alpha
    self.beta = beta
    self.isPreview = isPreview
  }

  /// The tables for a run's configuration at `alpha`, `beta` (nil while the config lacks a size).
  public static func make(config: WorkbenchModel.Config?, alpha: Double?, beta: Double?,
                          isPreview: Bool = false) -> MaskSource? {
    guard let c = config, var m = c.model else { return nil }
    let a = alpha ?? m.alpha, b = beta ?? m.beta
    guard m.routingError(alpha: a, beta: b) == nil else { return nil }
    (m.alpha, m.beta) = (a, b)
    return MaskSource(tables: m.routingTables(), blocks: m.routedBlocks, browsable: c.browsableBlocks, kind: m.routing,
                      alpha: a, beta: b, isPreview: isPreview)
  }
}

/// The routing masks as a `[T, C]` heatmap: timesteps down, channels across, each pixel the fraction of
/// active cells it covers, with a legend and an exact readout at the cursor.
public enum MaskPanel {
  /// Draws the panel into `r`.
  public static func render(_ source: MaskSource?, _ view: inout MaskView, _ r: Rect, _ ctx: RenderContext,
                            _ canvas: inout Canvas) {
    guard let src = source, !src.tables.isEmpty else {
      let inner = ctx.box(&canvas, r, title: "Routing masks")
      canvas.text(inner.x + 1, inner.y, "waiting for the run's config…", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    view.block = min(max(view.block, 0), max(min(src.browsable, src.tables.count, src.blocks.count), 1) - 1)
    let table = src.tables[view.block]
    let g = ctx.glyphs
    var title = "Routing masks  \(src.kind.rawValue) \(g.symbol("alpha"))=\(Format.value(src.alpha))"
      + " \(g.symbol("beta"))=\(Format.value(src.beta))"
    if src.browsable > 1 && view.block < src.blocks.count {
      title += "  block \(view.block + 1)/\(src.browsable) \(src.blocks[view.block].name) C=\(table.channels)"
    }
    if src.isPreview { title += "  PREVIEW" }
    let inner = ctx.box(&canvas, r, title: title, focused: src.isPreview)
    let area = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 2)
    guard area.width > 0, area.height > 0 else { return }

    let T = table.timesteps, C = table.channels
    let pw = min(C, area.width), ph = min(T, area.height * 2)
    view.colsPerPixel = max(1, (C + pw - 1) / pw)
    view.rowsPerPixel = max(1, (T + ph - 1) / ph)
    view.t = min(max(view.t, 0), T - 1)
    view.c = min(max(view.c, 0), C - 1)
    func span(_ i: Int, _ n: Int, _ total: Int) -> Range<Int> { (i * total / n)..<max((i + 1) * total / n, i * total / n + 1) }
    ctx.paintPixels(&canvas, area, pixelsWide: pw, pixelsHigh: ph, colorOf: { ctx.theme.heat($0) }) { x, y in
      let rows = span(y, ph, T), cols = span(x, pw, C)
      var on = 0
      for t in rows { for c in cols where table.isActive(t: t, c: c) { on += 1 } }
      return Double(on) / Double(rows.count * cols.count)
    }

    // Cursor: the cell holding (t, c).
    let cx = area.x + view.c * pw / C, cy = area.y + (view.t * ph / T) / 2
    canvas.put(cx, cy, "+", Style(fg: ctx.theme[.selectedFg], bg: ctx.theme[.selectedBg], attrs: [.bold]))

    // Legend and readout.
    let ly = inner.y + inner.height - 2
    var x = canvas.text(inner.x, ly, "off ", ctx.style(.inactiveFg))
    x = ctx.heatLegend(&canvas, x: x, y: ly, cells: 8)
    x = canvas.text(x, ly, " on", ctx.style(.inactiveFg))
    canvas.text(x + 2, ly, "\(T)\(g.unicode ? "×" : "x")\(C), \(table.width) on per row", ctx.style(.inactiveFg), maxWidth: inner.x + inner.width - x - 2)
    var readout = "t=\(view.t) c=\(view.c) \(table.isActive(t: view.t, c: view.c) ? "on" : "off")"
    if let s = table.starts?[view.t] { readout += "  window c \(s)..<\(s + table.width)" }
    canvas.text(inner.x, ly + 1, readout, ctx.style(.hiFg), maxWidth: inner.width)
  }
}
