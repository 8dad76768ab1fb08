import COpenBLAS

/// Checks a freshly loaded sgemm against a plain triple loop.
///
/// Older OpenBLAS builds are known to return wrong results with some kernels on some CPUs; a handful
/// of small products with odd sizes and every transpose combination catches that at start-up in well
/// under a millisecond.
enum BLASVerification {
  /// Returns whether all products matched, and the largest relative error.
  static func run(sgemm: dtr_sgemm_fn) -> (Bool, Float) {
    var worst: Float = 0
    var rng = SplitMix64(seed: 12345)
    for (m, n, k) in [(7, 5, 3), (33, 17, 65), (64, 48, 40), (129, 31, 257)] {
      for ta in [false, true] {
        for tb in [false, true] {
          let a = (0..<(m * k)).map { _ in rng.nextFloat() * 2 - 1 }
          let b = (0..<(k * n)).map { _ in rng.nextFloat() * 2 - 1 }
          var c = [Float](repeating: 0, count: m * n)
          let lda = ta ? m : k
          let ldb = tb ? k : n
          a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
              c.withUnsafeMutableBufferPointer { cp in
                sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                      Int32(m), Int32(n), Int32(k), 1, ap.baseAddress, Int32(lda), bp.baseAddress, Int32(ldb),
                      0, cp.baseAddress, Int32(n))
              }
            }
          }
          for i in 0..<m {
            for j in 0..<n {
              var s: Double = 0
              var mag: Double = 0
              for p in 0..<k {
                let av = Double(ta ? a[p * lda + i] : a[i * lda + p])
                let bv = Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                s += av * bv
                mag += abs(av * bv)
              }
              let err = Float(abs(Double(c[i * n + j]) - s) / max(mag, 1e-6))
              worst = max(worst, err.isNaN ? .infinity : err)
            }
          }
        }
      }
    }
    return (worst < 1e-5, worst)
  }
}
