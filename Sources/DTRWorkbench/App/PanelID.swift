/// The panels, numbered as the keys that expand them. Task affinity has no place in the overview: its key
/// shows it on the whole screen.
public enum PanelID: Int, CaseIterable, Sendable {
  case loss = 1, timestepLoss, events, masks, fid, samples, affinity

  /// The panel's title (as drawn in its box).
  public var title: String {
    switch self {
    case .loss: return "Loss"
    case .timestepLoss: return "Per-timestep loss"
    case .events: return "Events"
    case .masks: return "Routing masks"
    case .fid: return "FID"
    case .samples: return "Samples"
    case .affinity: return "Task affinity"
    }
  }
}
