/// A 24-bit colour. Themes speak in these; the terminal layer maps them to whatever the terminal has.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
  /// Channels, 0–255.
  public var r, g, b: UInt8

  /// A colour from its channels.
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Perceived brightness, 0…1 (Rec. 709 weights).
  public var luminance: Double { (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255 }

  /// `#rrggbb`.
  public var description: String {
    "#" + [r, g, b].map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined()
  }

  /// The colour a fraction `f` (0…1) of the way from `self` to `other`.
  public func mixed(with other: RGB, _ f: Double) -> RGB {
    let t = min(max(f, 0), 1)
    func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
    return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
  }
}
