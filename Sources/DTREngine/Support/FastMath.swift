/// Vectorisable approximations of transcendental functions.
///
/// libm's `expf`/`tanhf` are opaque calls that stop the compiler from vectorising a loop (machine.md
/// measured GELU 25× slower with them). These are branch-free scalar functions built from a range
/// reduction and a polynomial, which LLVM turns into SIMD code inside plain loops. They are `@inlinable`:
/// `@inline(__always)` alone does not cross a module boundary, and the UNet's SiLU loops (in DTRModels)
/// then called `sigmoid` once per element (11% of sampling time in `perf`).
public enum FastMath {
  /// e^x with relative error below 2e-7 on [−87, 88]; clamps outside.
  ///
  /// Only wrapping integer operations are used (no trapping Float→Int conversion), so loops calling
  /// it vectorise under `-O`.
  @inlinable @inline(__always)
  public static func exp(_ x: Float) -> Float {
    let xc = Swift.min(Swift.max(x, -87.0), 88.0)
    // n = round(x/ln2) via the 1.5·2²³ trick: the integer lands in the low mantissa bits.
    let magic: Float = 12_582_912
    let t = xc * 1.442_695_04 + magic
    let n = t - magic
    let r = xc - n * 0.693_145_75 - n * 1.428_606_8e-6
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_6e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 0.5
    p = p * r * r + r + 1
    let ni = t.bitPattern &- magic.bitPattern  // n as a two's-complement integer
    return p * Float(bitPattern: (ni &+ 127) << 23)
  }

  /// tanh(x) by the [7/6] continued-fraction (Lambert) rational approximation, clamped to [−1, 1]:
  /// absolute error below 1e-4 everywhere (largest near |x| = 5), no exponentials.
  @inlinable @inline(__always)
  public static func tanh(_ x: Float) -> Float {
    let xc = Swift.min(Swift.max(x, -9), 9)
    let x2 = xc * xc
    let num = xc * (135_135 + x2 * (17_325 + x2 * (378 + x2)))
    let den = 135_135 + x2 * (62_370 + x2 * (3_150 + 28 * x2))
    return Swift.min(Swift.max(num / den, -1), 1)
  }

  /// The logistic sigmoid 1/(1+e^{−x}).
  @inlinable @inline(__always)
  public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

  /// d/dx of SiLU x·σ(x): σ(x)·(1 + x·(1 − σ(x))).
  @inlinable @inline(__always)
  public static func siluDerivative(_ x: Float) -> Float {
    let sg = sigmoid(x)
    return sg * (1 + x * (1 - sg))
  }

  /// ln x for normal positive x, relative error below 3e-7: x = m·2ᵉ with m ∈ [√½, √2), then
  /// ln m = 2·atanh((m−1)/(m+1)) by its odd series to s⁹.
  @inlinable @inline(__always)
  public static func log(_ x: Float) -> Float {
    let bits = x.bitPattern
    var e = Float(Int32(truncatingIfNeeded: bits >> 23) &- 127)
    var m = Float(bitPattern: (bits & 0x7F_FFFF) | 0x3F80_0000)
    let big = m > 1.414_213_56
    m = big ? m * 0.5 : m
    e = big ? e + 1 : e
    let s = (m - 1) / (m + 1), s2 = s * s
    var series: Float = 0.111_111_11  // 1/9
    series = series * s2 + 0.142_857_14
    series = series * s2 + 0.2
    series = series * s2 + 0.333_333_33
    series = series * s2 + 1
    return e * 0.693_147_18 + 2 * s * series
  }

  /// (cos φ, sin φ) for φ ∈ [0, π/2], absolute error below 1e-7 (Taylor polynomials to φ¹² and φ¹¹).
  @inlinable @inline(__always)
  public static func quarterSinCos(_ phi: Float) -> (cos: Float, sin: Float) {
    let x2 = phi * phi
    var sin: Float = -2.505_210_8e-8  // −1/11!
    sin = sin * x2 + 2.755_731_9e-6
    sin = sin * x2 - 1.984_127e-4
    sin = sin * x2 + 8.333_333_3e-3
    sin = sin * x2 - 0.166_666_67
    sin = (sin * x2 + 1) * phi
    var cos: Float = 2.087_675_7e-9  // 1/12!
    cos = cos * x2 - 2.755_731_9e-7
    cos = cos * x2 + 2.480_158_7e-5
    cos = cos * x2 - 1.388_888_9e-3
    cos = cos * x2 + 4.166_666_7e-2
    cos = cos * x2 - 0.5
    cos = cos * x2 + 1
    return (cos, sin)
  }
}
