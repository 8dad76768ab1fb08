/// SplitMix64: a tiny, fast, seedable generator whose whole state is one `UInt64`.
///
/// Its state is saved in checkpoints so that a resumed run draws exactly the numbers an uninterrupted
/// run would have drawn.
public struct SplitMix64: Sendable {
  /// The generator's entire state.
  public var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) with 24 random bits.
  @inline(__always)
  public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

  /// Uniform in [0, 1) with 53 random bits.
  @inline(__always)
  public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

  /// Uniform integer in `0..<n`.
  @inline(__always)
  public mutating func nextInt(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// Fills `count` floats at `out` with standard normal samples (Box–Muller, both outputs used).
  public mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float = 1) {
    var i = 0
    while i < count {
      let u1 = max(nextDouble(), 1e-300)
      let u2 = nextDouble()
      let r = (-2 * _log(u1)).squareRoot()
      let a = 2 * Double.pi * u2
      out[i] = mean + std * Float(r * _cos(a))
      if i + 1 < count { out[i + 1] = mean + std * Float(r * _sin(a)) }
      i += 2
    }
  }

  /// A random permutation of `0..<n` (Fisher–Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) {
      p.swapAt(i, nextInt(i + 1))
    }
    return p
  }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
#endif
