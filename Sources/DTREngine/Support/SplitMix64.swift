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
    state &+= Self.gamma
    return Self.mix(state)
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

  /// Fills `count` floats at `out` with normal samples N(mean, std²).
  ///
  /// Box–Muller in float32 with both outputs used and one 64-bit draw per pair: 24 bits give u₁ ∈ (0, 1],
  /// 24 bits an angle φ ∈ [0, π/2) and two bits the signs of cos φ and sin φ, which makes the angle
  /// uniform on the whole circle. The logarithm, sine and cosine are polynomials (``FastMath``), and pair
  /// i uses the generator's output i, so the loop has no libm calls or carried state and vectorises.
  /// Samples are bounded by √(2·24·ln 2) ≈ 5.77 (a two-sided tail mass of 8e-9).
  public mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float = 1) {
    guard count > 0 else { return }
    let start = state, pairs = count / 2
    for i in 0..<pairs {
      let (a, b) = Self.gaussianPair(Self.mix(start &+ UInt64(i + 1) &* Self.gamma))
      out[2 * i] = mean + std * a
      out[2 * i + 1] = mean + std * b
    }
    if count % 2 == 1 {
      out[count - 1] = mean + std * Self.gaussianPair(Self.mix(start &+ UInt64(pairs + 1) &* Self.gamma)).0
    }
    state = start &+ UInt64((count + 1) / 2) &* Self.gamma
  }

  private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Two independent standard normals from 64 random bits.
  @inline(__always)
  private static func gaussianPair(_ bits: UInt64) -> (Float, Float) {
    let u1 = Float(Int32(truncatingIfNeeded: bits >> 40) &+ 1) * (1.0 / 16_777_216.0)
    let phi = Float(Int32(truncatingIfNeeded: (bits >> 16) & 0xFF_FFFF)) * (Float.pi / 2 / 16_777_216.0)
    let r = (-2 * FastMath.log(u1)).squareRoot()
    let (c, s) = FastMath.quarterSinCos(phi)
    let a = Float(bitPattern: (r * c).bitPattern ^ (UInt32(truncatingIfNeeded: bits & 1) << 31))
    let b = Float(bitPattern: (r * s).bitPattern ^ (UInt32(truncatingIfNeeded: bits & 2) << 30))
    return (a, b)
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
