/// A key press, independent of ncurses.
public enum Key: Hashable, Sendable {
  case char(Character)
  case up, down, left, right, pageUp, pageDown, enter, escape, backspace, tab, backTab, f1, ctrlL, resize

  /// How the key is written in the help overlay.
  public var label: String {
    switch self {
    case .char(let c): return String(c)
    case .up: return "Up"
    case .down: return "Down"
    case .left: return "Left"
    case .right: return "Right"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .backspace: return "Bksp"
    case .tab: return "Tab"
    case .backTab: return "S-Tab"
    case .f1: return "F1"
    case .ctrlL: return "C-l"
    case .resize: return "resize"
    }
  }
}
