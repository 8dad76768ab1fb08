/// Where each panel goes for a terminal size: a status line on top, a hint line at the bottom, the loss
/// chart, per-timestep heatmap and events on the left, masks, FID and samples on the right.
public struct Layout: Sendable, Equatable {
  public var status, loss, timestepLoss, events, masks, fid, samples, hints: Rect

  /// The smallest terminal the layout works in.
  public static let minWidth = 80, minHeight = 24

  /// The layout for `width × height`, or nil below the minimum size.
  public init?(width: Int, height: Int) {
    guard width >= Self.minWidth, height >= Self.minHeight else { return nil }
    let screen = Rect(x: 0, y: 0, width: width, height: height)
    let (top, rest) = screen.splitTop(1)
    let (body, bottom) = rest.splitTop(height - 2)
    let (left, right) = body.splitLeft(width * 58 / 100)
    let (lossRect, leftRest) = left.splitTop(body.height / 2)
    let (timestep, eventsRect) = leftRest.splitTop(leftRest.height - max(5, body.height / 5))
    let (maskRect, rightRest) = right.splitTop(body.height * 42 / 100)
    let (fidRect, samplesRect) = rightRest.splitTop(min(8, body.height / 3))
    status = top
    loss = lossRect
    timestepLoss = timestep
    events = eventsRect
    masks = maskRect
    fid = fidRect
    samples = samplesRect
    hints = bottom
  }
}
