/// Where the comparison view's parts go: a status line on top, the loss chart (left) beside the FID chart,
/// the results table across the bottom (as tall as its rows need, at most 45% of the body), a hint line.
public struct ComparisonLayout: Sendable, Equatable {
  /// The rectangles of the status line, the two charts, the table and the hint line.
  public var status, loss, fid, table, hints: Rect

  /// The layout for `width × height` with a table of `tableRows` lines inside its box, or nil below the
  /// workbench's minimum size.
  public init?(width: Int, height: Int, tableRows: Int) {
    guard width >= Layout.minWidth, height >= Layout.minHeight else { return nil }
    let screen = Rect(x: 0, y: 0, width: width, height: height)
    let (top, rest) = screen.splitTop(1)
    let (body, bottom) = rest.splitTop(height - 2)
    let (charts, tableRect) = body.splitTop(body.height - min(tableRows + 2, body.height * 45 / 100))
    let (lossRect, fidRect) = charts.splitLeft(width * 60 / 100)
    (status, loss, fid, table, hints) = (top, lossRect, fidRect, tableRect, bottom)
  }
}
