import CNcursesw
import Foundation

/// The ncurses screen while the workbench runs: initialisation, key input, and copying canvases out.
/// `end()` restores the terminal; it runs exactly once, whichever exit path calls it first (and from
/// `deinit` as a last resort).
final class Terminal {
  /// Colours available.
  let depth: ColorDepth
  /// Glyph set: Unicode on UTF-8 locales unless ASCII was forced.
  let glyphs: Glyphs
  private var pairs: [Int64: Int32] = [:]
  private var background = Style()
  private var ended = false
  private let tty: UnsafeMutablePointer<FILE>
  private let screen: OpaquePointer
  private let attrBits: [(Style.Attributes, attr_t)] = [
    (.bold, dtr_a_bold()), (.dim, dtr_a_dim()), (.reverse, dtr_a_reverse()), (.underline, dtr_a_underline()),
  ]

  /// Takes over the terminal. `ascii`: true forces ASCII glyphs, false forces Unicode, nil decides from
  /// the locale. `noColor`: the `NO_COLOR` value.
  init(ascii: Bool?, noColor: String?) throws {
    // The controlling terminal, not stdin/stdout: those may be redirected to a log.
    guard let tty = fopen("/dev/tty", "r+"), isatty(fileno(tty)) != 0 else {
      throw TerminalError(description: "the workbench needs a terminal (/dev/tty cannot be opened)")
    }
    self.tty = tty
    setlocale(LC_ALL, "")
    let utf8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    glyphs = (ascii ?? !utf8) ? .ascii : .utf8
    guard let screen = newterm(nil, tty, tty) else {
      fclose(tty)
      throw TerminalError(description: "ncurses cannot drive TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "")")
    }
    self.screen = screen
    cbreak()
    noecho()
    nonl()
    keypad(dtr_stdscr(), true)
    curs_set(0)
    set_escdelay(25)
    if has_colors() {
      start_color()
      use_default_colors()
    }
    depth = ColorDepth.detect(colors: Int(dtr_colors()), hasColors: has_colors(), noColor: ProcessInfo.processInfo.environment["NO_COLOR"])
  }

  deinit { end() }

  /// Restores the terminal (once).
  func end() {
    guard !ended else { return }
    ended = true
    endwin()
    delscreen(screen)
    fclose(tty)
  }

  /// Terminal size in cells.
  var size: (width: Int, height: Int) {
    var rows: Int32 = 0, cols: Int32 = 0
    dtr_getmaxyx(dtr_stdscr(), &rows, &cols)
    return (Int(cols), Int(rows))
  }

  /// Makes the next `draw` repaint every cell (after Ctrl-L, SIGCONT, a theme change).
  func invalidate() {
    clearok(curscr, true)
  }

  /// Makes `style` the screen's background: what ncurses clears with and treats as blank. Without it,
  /// ncurses erases runs of themed blanks with the terminal's default colour.
  /// It has a colour pair of its own (1), which the pair cache never reuses.
  func setBackground(_ style: Style) {
    background = style
    var pair: Int32 = 0
    if depth != .monochrome {
      pair = 1
      init_extended_pair(pair, Int32(style.fg.flatMap(depth.index) ?? -1), Int32(style.bg.flatMap(depth.index) ?? -1))
    }
    dtr_set_background(dtr_a_normal(), pair)
  }

  /// Copies the canvas to the screen and refreshes. In monochrome, a cell whose background differs from
  /// the screen's background is drawn reversed so highlights survive.
  func draw(_ canvas: Canvas) {
    let (w, h) = size
    for y in 0..<min(h, canvas.height) {
      for x in 0..<min(w, canvas.width) {
        let cell = canvas[x, y]!
        var attrs = dtr_a_normal()
        for (bit, value) in attrBits where cell.style.attrs.contains(bit) { attrs |= value }
        var pair: Int32 = 0
        if depth == .monochrome {
          if cell.style.bg != nil && cell.style.bg != background.bg { attrs |= dtr_a_reverse() }
        } else {
          pair = self.pair(fg: cell.style.fg.flatMap(depth.index), bg: cell.style.bg.flatMap(depth.index))
        }
        let ch = glyphs.unicode ? cell.char : Glyphs.asciiFallback(cell.char)
        _ = dtr_put_wch(Int32(y), Int32(x), wchar_t(bitPattern: ch.value), attrs, pair)
      }
    }
    refresh()
  }

  /// The colour pair for terminal colour indices (nil = default), allocated on first use from pair 2 up.
  private func pair(fg: Int?, bg: Int?) -> Int32 {
    let f = Int32(fg ?? -1), b = Int32(bg ?? -1)
    if f == -1 && b == -1 { return 0 }
    let key = Int64(f) << 32 | Int64(UInt32(bitPattern: b))
    if let p = pairs[key] { return p }
    if pairs.count + 2 >= Int(dtr_color_pairs()) { pairs.removeAll() }
    let p = Int32(pairs.count + 2)
    init_extended_pair(p, f, b)
    pairs[key] = p
    return p
  }
}
