/// The `?` overlay: every key binding, generated from ``KeyTable``.
///
/// Descriptions wrap beside their keys, so every one is readable whole. The bindings flow into as many
/// columns (up to three) as the screen holds; when they do not fit, one column scrolls with the keys of
/// the help's own scope (Up/Down, PgUp/PgDn), which the overlay names on its frame.
public enum HelpOverlay {
  /// One row of the overlay: a scope's heading, the first row of a binding (its keys, then the start of
  /// its description), or the rest of a description wrapped under that start.
  public struct Row: Sendable, Equatable {
    /// The text, the keys' column included.
    public var text: String
    /// False for a binding that does nothing in read-only mode (drawn greyed out).
    public var enabled: Bool
    /// Whether this is a scope's heading.
    public var heading: Bool
  }

  /// Columns the keys take before a description starts.
  static let keysWidth = 13

  /// The help in rows of at most `width` columns, grouped in blocks that are never split between columns:
  /// one per binding, the first binding of a scope together with the scope's heading. A binding that does
  /// nothing read-only says so when `readOnly`.
  public static func blocks(readOnly: Bool, width: Int) -> [[Row]] {
    var blocks: [[Row]] = []
    let descriptionWidth = max(8, width - keysWidth)
    for scope in KeyBinding.Scope.allCases {
      var heading = [Row(text: scope.rawValue, enabled: true, heading: true)]
      for b in KeyTable.bindings where b.scope == scope {
        let enabled = !readOnly || b.readOnly
        let lines = (b.help + (enabled ? "" : " (read-only)")).wrapped(to: descriptionWidth)
        let keys = "  " + b.label.padding(toLength: keysWidth - 3, withPad: " ", startingAt: 0) + " "
        blocks.append(heading + lines.enumerated().map { i, line in
          Row(text: (i == 0 ? keys : String(repeating: " ", count: keysWidth)) + line, enabled: enabled, heading: false)
        })
        heading = []
      }
    }
    return blocks
  }

  /// How the help sits on a screen: its box, the rows of each column and their width, and the scroll.
  struct Page {
    var box: Rect
    var columns: [[Row]]
    var columnWidth: Int
    /// The first row shown, the most it can be, and how many rows show at once.
    var scroll, maxScroll, visibleRows: Int
    /// How many rows there are in all.
    var total: Int
  }

  /// The page for `screen`, scrolled `scroll` rows down (clamped): the most columns (up to three, at
  /// least 48 cells wide) that hold every block without scrolling, else one scrolling column.
  static func page(readOnly: Bool, screen: Rect, scroll: Int) -> Page {
    let visibleRows = max(1, screen.height - 4)
    for n in [3, 2, 1] {
      let boxWidth = min(screen.width - 2, n * 84 + 2), columnWidth = (boxWidth - 2) / n
      guard n == 1 || columnWidth >= 48,
        let columns = flow(blocks(readOnly: readOnly, width: columnWidth - 1), columns: n, rows: visibleRows)
      else { continue }
      let height = columns.map(\.count).max() ?? 0
      return Page(box: centred(boxWidth, height + 2, in: screen), columns: columns, columnWidth: columnWidth,
                  scroll: 0, maxScroll: 0, visibleRows: visibleRows, total: height)
    }
    let boxWidth = min(screen.width - 2, 86), columnWidth = boxWidth - 2
    let rows = blocks(readOnly: readOnly, width: columnWidth - 1).flatMap { $0 }
    let maxScroll = max(0, rows.count - visibleRows), first = min(max(scroll, 0), maxScroll)
    return Page(box: centred(boxWidth, visibleRows + 2, in: screen),
                columns: [Array(rows[first..<min(rows.count, first + visibleRows)])], columnWidth: columnWidth,
                scroll: first, maxScroll: maxScroll, visibleRows: visibleRows, total: rows.count)
  }

  /// The blocks in at most `columns` columns of `rows` rows, as evenly filled as they go; nil when they do
  /// not fit.
  static func flow(_ blocks: [[Row]], columns: Int, rows: Int) -> [[Row]]? {
    let shortest = max(1, (blocks.map(\.count).reduce(0, +) + columns - 1) / columns)
    guard shortest <= rows else { return nil }
    for height in shortest...rows {
      var out: [[Row]] = [[]]
      for block in blocks {
        if out[out.count - 1].count + block.count > height && !out[out.count - 1].isEmpty { out.append([]) }
        out[out.count - 1] += block
      }
      if out.count <= columns && out.allSatisfy({ $0.count <= rows }) { return out }
    }
    return nil
  }

  private static func centred(_ width: Int, _ height: Int, in screen: Rect) -> Rect {
    Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
  }

  /// Draws the help over `screen`, scrolled `scroll` rows down when it scrolls.
  public static func render(readOnly: Bool, scroll: Int, _ screen: Rect, _ ctx: RenderContext, _ canvas: inout Canvas) {
    let page = page(readOnly: readOnly, screen: screen, scroll: scroll)
    let scrollKeys = KeyTable.bindings.filter { $0.scope == .help }.map(\.label).joined(separator: " ")
    let title = page.maxScroll > 0 ? "Keys  \(scrollKeys) scroll, any other key closes" : "Keys  (any key closes)"
    let inner = ctx.box(&canvas, page.box, title: title, focused: true)
    for (k, column) in page.columns.enumerated() {
      for (i, row) in column.enumerated() where i < inner.height {
        let style = row.heading ? ctx.style(.title, [.bold, .underline])
          : row.enabled ? ctx.style(.mainFg) : ctx.style(.inactiveFg, .dim)
        canvas.text(inner.x + k * page.columnWidth, inner.y + i, row.text, style, maxWidth: page.columnWidth - 1)
      }
    }
    if page.maxScroll > 0 {
      let g = ctx.glyphs
      let position = " \(page.scroll + 1)\(g.unicode ? "–" : "-")\(page.scroll + inner.height) of \(page.total)"
        + (page.scroll < page.maxScroll ? ", more below " : " ")
      let b = page.box
      canvas.text(b.x + max(1, b.width - position.count - 2), b.y + b.height - 1, position, ctx.style(.hiFg, .bold),
                  maxWidth: b.width - 2)
    }
  }
}
