import DTRFormats

/// The latest (or scrubbed-to) sample grid, drawn with half blocks, one class per row; for a captioned
/// run, each prompt on its own line above its row of images.
public enum SamplesPanel {
  /// Fashion-MNIST class names, in label order.
  public static let classNames = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                                  "Bag", "Boot"]

  /// Draws the panel into `r`, reading images through `images`.
  public static func render(_ model: WorkbenchModel, _ view: SamplesView, images: ImageCache, _ r: Rect,
                            _ ctx: RenderContext, _ canvas: inout Canvas) {
    let grids = model.sampleGrids
    guard !grids.isEmpty else {
      let inner = ctx.box(&canvas, r, title: "Samples")
      canvas.text(inner.x + 1, inner.y, "no samples yet", ctx.style(.inactiveFg), maxWidth: inner.width - 1)
      return
    }
    let i = min(view.index ?? grids.count - 1, grids.count - 1)
    let grid = grids[i]
    let following = view.index == nil ? "" : "  [ ] scrub"
    let inner = ctx.box(&canvas, r, title: "Samples  step \(Format.count(grid.step))  (\(i + 1)/\(grids.count))" + following)
    let img: GreyImage
    switch images.image(grid.path, in: model.runDirectory) {
    case .success(let decoded): img = decoded
    case .failure(let e):
      canvas.text(inner.x, inner.y, "\(e)", ctx.style(.warnFg), maxWidth: inner.width)
      return
    }
    if let prompts = grid.prompts, let shape = model.config?.model?.imageShape {
      return renderPrompted(img, prompts: prompts, cols: grid.cols, imageShape: shape, inner, ctx, &canvas)
    }
    let labelled = grid.rows == classNames.count && inner.width >= 30
    let labelWidth = labelled ? 9 : 0
    let area = Rect(x: inner.x + labelWidth, y: inner.y, width: inner.width - labelWidth, height: inner.height)
    guard area.width > 0, area.height > 0 else { return }
    let oh = paint(img, rows: 0..<img.height, into: area, ctx, &canvas)
    if labelled {
      // One label per class row, on the cell row holding the class's middle; classes sharing a cell row
      // (a short panel) keep the first label.
      var lastRow = -1
      for (k, name) in classNames.enumerated() {
        let cy = inner.y + ((2 * k + 1) * oh / (2 * grid.rows)) / 2
        guard cy > lastRow else { continue }
        lastRow = cy
        canvas.text(inner.x, cy, name, ctx.style(.inactiveFg), maxWidth: labelWidth - 1)
      }
    }
  }

  /// A captioned grid (``DTRFormats/PromptGrid``): one band per prompt, the prompt's text on its first
  /// line and the prompt's row of images (cut from the PNG below its rendered text) under it.
  static func renderPrompted(_ img: GreyImage, prompts: [String], cols: Int, imageShape: [Int], _ inner: Rect,
                             _ ctx: RenderContext, _ canvas: inout Canvas) {
    let height = imageShape[1], width = imageShape[2]
    let tops = PromptGrid(columns: cols).imageRowTops(prompts: prompts, height: height, width: width)
    let band = inner.height / max(1, prompts.count)
    for (p, prompt) in prompts.enumerated() where band >= 1 {
      let y = inner.y + p * band
      canvas.text(inner.x, y, prompt, ctx.style(.inactiveFg), maxWidth: inner.width)
      let area = Rect(x: inner.x, y: y + 1, width: inner.width, height: band - 1)
      guard area.width > 0, area.height > 0, tops[p] + height <= img.height else { continue }
      paint(img, rows: tops[p]..<(tops[p] + height), into: area, ctx, &canvas)
    }
  }

  /// Paints the source pixel `rows` of `img` (full width) into `area` with half blocks, scaled to fit
  /// (at most 2×); returns the output pixel height.
  @discardableResult
  static func paint(_ img: GreyImage, rows: Range<Int>, into area: Rect, _ ctx: RenderContext,
                    _ canvas: inout Canvas) -> Int {
    let h = rows.count
    let scale = min(Double(area.width) / Double(img.width), Double(area.height * 2) / Double(h), 2)
    let ow = max(1, Int(Double(img.width) * scale)), oh = max(1, Int(Double(h) * scale))
    ctx.paintPixels(&canvas, area, pixelsWide: ow, pixelsHigh: oh, colorOf: { v in
      let g = UInt8((v * 255).rounded())
      return RGB(g, g, g)
    }) { x, y in
      // Mean over the source pixels this output pixel covers.
      let xs = (x * img.width / ow)..<max((x + 1) * img.width / ow, x * img.width / ow + 1)
      let ys = (y * h / oh)..<max((y + 1) * h / oh, y * h / oh + 1)
      var sum = 0.0
      for sy in ys { for sx in xs { sum += img.value(sx, rows.lowerBound + sy) } }
      return sum / Double(xs.count * ys.count)
    }
    return oh
  }
}
