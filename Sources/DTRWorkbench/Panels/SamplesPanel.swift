/// The latest (or scrubbed-to) sample grid, drawn with half blocks, one class per row.
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
    let labelled = grid.rows == classNames.count && inner.width >= 30
    let labelWidth = labelled ? 9 : 0
    let area = Rect(x: inner.x + labelWidth, y: inner.y, width: inner.width - labelWidth, height: inner.height)
    guard area.width > 0, area.height > 0 else { return }
    let scale = min(Double(area.width) / Double(img.width), Double(area.height * 2) / Double(img.height), 2)
    let ow = max(1, Int(Double(img.width) * scale)), oh = max(1, Int(Double(img.height) * scale))
    ctx.paintPixels(&canvas, area, pixelsWide: ow, pixelsHigh: oh, colorOf: { v in
      let g = UInt8((v * 255).rounded())
      return RGB(g, g, g)
    }) { x, y in
      // Mean over the source pixels this output pixel covers.
      let xs = (x * img.width / ow)..<max((x + 1) * img.width / ow, x * img.width / ow + 1)
      let ys = (y * img.height / oh)..<max((y + 1) * img.height / oh, y * img.height / oh + 1)
      var sum = 0.0
      for sy in ys { for sx in xs { sum += img.value(sx, sy) } }
      return sum / Double(xs.count * ys.count)
    }
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
}
