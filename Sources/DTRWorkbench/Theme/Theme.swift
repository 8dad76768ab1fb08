/// A colour theme: one colour (or the terminal's default, nil) per ``ThemeKey``.
public struct Theme: Sendable, Equatable {
  /// The theme's name (file stem, or "default").
  public var name: String
  /// Assigned colours; nil means the terminal's default colour.
  public var colors: [ThemeKey: RGB?]

  /// The colour for `key`.
  public subscript(key: ThemeKey) -> RGB? { colors[key] ?? nil }

  /// The built-in dark theme, also the fallback for every key a theme file leaves out.
  /// `themes/default.theme` holds the same values.
  public static let builtIn = Theme(name: "default", colors: [
    .mainBg: nil, .mainFg: RGB(0xcc, 0xcc, 0xcc), .title: RGB(0xee, 0xee, 0xee), .hiFg: RGB(0x5f, 0xd7, 0xff),
    .selectedBg: RGB(0x26, 0x4f, 0x78), .selectedFg: RGB(0xff, 0xff, 0xff), .inactiveFg: RGB(0x5f, 0x5f, 0x5f),
    .divLine: RGB(0x44, 0x44, 0x44),
    .lossFg: RGB(0x5f, 0xd7, 0xff), .rawFg: RGB(0x3a, 0x5a, 0x6a), .markerFg: RGB(0xff, 0xaf, 0x00),
    .bestFg: RGB(0x87, 0xd7, 0x5f), .fidFg: RGB(0xd7, 0x87, 0xff),
    .heatmapStart: RGB(0x44, 0x01, 0x54), .heatmapMid: RGB(0x21, 0x91, 0x8c), .heatmapEnd: RGB(0xfd, 0xe7, 0x25),
    .affinityConflict: RGB(0xef, 0x53, 0x50), .affinityZero: RGB(0x30, 0x30, 0x30), .affinityHigh: RGB(0x42, 0xa5, 0xf5),
    .okFg: RGB(0x87, 0xd7, 0x5f), .warnFg: RGB(0xff, 0xaf, 0x00), .errorFg: RGB(0xff, 0x5f, 0x5f),
    .runningBg: RGB(0x00, 0x5f, 0x00), .pausedBg: RGB(0x87, 0x5f, 0x00), .pendingBg: RGB(0x00, 0x5f, 0x87),
    .bannerFg: RGB(0xff, 0xff, 0xff),
  ])

  /// The heatmap gradient at `v` (0…1): start → mid → end, or start → end when mid is unset.
  public func heat(_ v: Double) -> RGB? {
    guard let a = self[.heatmapStart], let c = self[.heatmapEnd] else { return self[.mainFg] }
    let t = min(max(v.isFinite ? v : 0, 0), 1)
    guard let b = self[.heatmapMid] else { return a.mixed(with: c, t) }
    return t < 0.5 ? a.mixed(with: b, t * 2) : b.mixed(with: c, (t - 0.5) * 2)
  }

  /// The diverging colour at `v` (−1…1): conflict (−1) → zero → high affinity (+1); the plain foreground
  /// when the theme leaves the ends unset.
  public func diverging(_ v: Double) -> RGB? {
    guard let lo = self[.affinityConflict], let hi = self[.affinityHigh] else { return self[.mainFg] }
    let t = min(max(v.isFinite ? v : 0, -1), 1)
    guard let zero = self[.affinityZero] else { return lo.mixed(with: hi, (t + 1) / 2) }
    return t < 0 ? zero.mixed(with: lo, -t) : zero.mixed(with: hi, t)
  }

  /// A style with the colour of `fg` on the main background.
  public func style(_ fg: ThemeKey, _ attrs: Style.Attributes = []) -> Style {
    Style(fg: self[fg], bg: self[.mainBg], attrs: attrs)
  }
}
