import CNcursesw

/// Key input: ncurses key codes and wide characters become ``Key``s.
extension Terminal {
  /// Waits up to `milliseconds` for a key; nil when none came (or for keys the workbench does not use).
  func readKey(timeout milliseconds: Int32) -> Key? {
    timeout(milliseconds)
    var ch: wint_t = 0
    let r = get_wch(&ch)
    if r == KEY_CODE_YES {
      switch Int32(ch) {
      case KEY_UP: return .up
      case KEY_DOWN: return .down
      case KEY_LEFT: return .left
      case KEY_RIGHT: return .right
      case KEY_PPAGE: return .pageUp
      case KEY_NPAGE: return .pageDown
      case KEY_ENTER: return .enter
      case KEY_BACKSPACE, KEY_DC: return .backspace
      case KEY_BTAB: return .backTab
      case KEY_RESIZE: return .resize
      case KEY_F0 + 1: return .f1
      default: return nil
      }
    }
    guard r == OK else { return nil }
    switch ch {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 12: return .ctrlL
    default: return Unicode.Scalar(ch).map { .char(Character($0)) }
    }
  }
}
