import Foundation

/// Short, fixed-style number and time formats for narrow panels.
public enum Format {
  /// A value in at most about 4 significant digits: `0.0523`, `12.5`, `1.0e-04`, `3.2e+05`.
  public static func value(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }
    let a = abs(v)
    if a == 0 { return "0" }
    if a >= 1e5 || a < 1e-3 { return String(format: "%.1e", v) }
    let digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4
    var s = String(format: "%.\(digits)f", v)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  /// A step count: `950`, `12.3k`, `1.2M`.
  public static func count(_ n: Int) -> String {
    let a = abs(n)
    if a < 10_000 { return String(n) }
    if a < 1_000_000 { return String(format: "%.1fk", Double(n) / 1e3) }
    return String(format: "%.1fM", Double(n) / 1e6)
  }

  /// A duration: `45s`, `12m30s`, `3h05m`.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
  }
}
