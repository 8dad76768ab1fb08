/// Where each panel goes for a terminal size: a status line on top, a hint line at the bottom, the loss
/// chart, per-timestep heatmap and events on the left, masks, FID and samples on the right.
public struct Layout: Sendable, Equatable {
  /// The rectangles of the status line, the panels and the hint line.
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

  /// The rectangle of `panel`; with `expanded` set, that panel gets the whole body and the others none.
  /// Task affinity is drawn only expanded (a K×K matrix needs the room).
  public func rect(_ panel: PanelID, expanded: PanelID?) -> Rect {
    if let e = expanded {
      let body = Rect(x: 0, y: status.height, width: status.width, height: hints.y - status.height)
      return e == panel ? body : Rect(x: 0, y: 0, width: 0, height: 0)
    }
    switch panel {
    case .loss: return loss
    case .timestepLoss: return timestepLoss
    case .events: return events
    case .masks: return masks
    case .fid: return fid
    case .samples: return samples
    case .affinity: return Rect(x: 0, y: 0, width: 0, height: 0)
    }
  }
}
