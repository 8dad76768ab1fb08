/// Basic vectorised array kernels (reductions, scaling, copies) used across the engine.
///
/// Reductions accumulate in `SIMD16` partial sums: a plain `s += x[i]` loop does not vectorise.
public enum Kernels {
  /// Σ x[i].
  @inlinable @inline(__always)
  public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(x)
    while i + 16 <= n {
      acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      i += 16
    }
    var s = acc.sum()
    while i < n { s += x[i]; i += 1 }
    return s
  }

  /// max x[i] (−∞ for n = 0; NaNs are not propagated). `Swift.max` and `pointwiseMax` keep IEEE NaN
  /// ordering and compile to a scalar loop; this compiles to `vmaxps` and was most of attention's
  /// softmax time at 196 tokens before.
  @inlinable @inline(__always)
  public static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>(repeating: -.infinity)
    var i = 0
    let raw = UnsafeRawPointer(x)
    while i + 16 <= n {
      let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      acc.replace(with: v, where: v .> acc)
      i += 16
    }
    var a8 = acc.lowHalf
    a8.replace(with: acc.highHalf, where: acc.highHalf .> a8)
    var a4 = a8.lowHalf
    a4.replace(with: a8.highHalf, where: a8.highHalf .> a4)
    var m = a4[0]
    for l in 1..<4 where a4[l] > m { m = a4[l] }
    while i < n {
      if x[i] > m { m = x[i] }
      i += 1
    }
    return m
  }

  /// Σ x[i]².
  @inlinable @inline(__always)
  public static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(x)
    while i + 16 <= n {
      let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      acc += v * v
      i += 16
    }
    var s = acc.sum()
    while i < n { s += x[i] * x[i]; i += 1 }
    return s
  }

  /// Σ x[i]·y[i].
  @inlinable @inline(__always)
  public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
    while i + 16 <= n {
      acc += rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      i += 16
    }
    var s = acc.sum()
    while i < n { s += x[i] * y[i]; i += 1 }
    return s
  }

  /// x[i] *= s, in parallel for large arrays.
  public static func scale(_ x: UnsafeMutablePointer<Float>, _ n: Int, by s: Float) {
    Parallel.forRange(n, minChunk: 1 << 16) { a, b in
      for i in a..<b { x[i] *= s }
    }
  }

  /// y[i] += x[i].
  public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
    Parallel.forRange(n, minChunk: 1 << 16) { a, b in
      for i in a..<b { y[i] += x[i] }
    }
  }

  /// Column sums of a row-major `[rows, cols]` matrix, accumulated into `out[cols]` (bias gradients).
  public static func addColumnSums(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
      let row = x + r * cols
      for c in 0..<cols { out[c] += row[c] }
    }
  }
}
