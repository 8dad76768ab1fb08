import COpenBLAS

/// Row-major single-precision GEMM: `C = alpha·op(A)·op(B) + beta·C` with `op(A)` of size m×k and
/// `op(B)` k×n. Leading dimensions allow strided sub-matrices (e.g. one head of a fused QKV buffer).
@inline(__always)
public func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  BLASRuntime.shared.sgemmFn(
    CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Row-major double-precision GEMM (metrics' float64 statistics).
@inline(__always)
public func dgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
  a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
  beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
) {
  BLASRuntime.shared.dgemmFn(
    CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with the work split over the engine's
/// workers by the engine itself, each part a single-threaded OpenBLAS call, when
/// ``BLASRuntime/engineSplitsGEMMs`` is on: C's rows are split (or its columns when it has fewer rows
/// than columns), so no part needs a reduction. One thread pool then serves GEMMs and elementwise
/// kernels alike, instead of OpenBLAS's workers and the engine's taking turns on the same cores.
@inline(__always)
public func parallelSgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  let w = Parallel.workers
  guard BLASRuntime.shared.engineSplitsGEMMs, w > 1, m * n * k >= 1 << 18 else {
    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
          beta: beta, c: c, ldc: ldc)
    return
  }
  if m >= n {
    let chunk = ((m + w - 1) / w + 7) / 8 * 8
    Parallel.forRange(w, minChunk: 1) { p0, p1 in
      for p in p0..<p1 where p * chunk < m {
        let r0 = p * chunk, rows = min(m - r0, chunk)
        sgemm(transA: transA, transB: transB, m: rows, n: n, k: k, alpha: alpha, a: transA ? a + r0 : a + r0 * lda,
              lda: lda, b: b, ldb: ldb, beta: beta, c: c + r0 * ldc, ldc: ldc)
      }
    }
  } else {
    let chunk = ((n + w - 1) / w + 15) / 16 * 16
    Parallel.forRange(w, minChunk: 1) { p0, p1 in
      for p in p0..<p1 where p * chunk < n {
        let c0 = p * chunk, cols = min(n - c0, chunk)
        sgemm(transA: transA, transB: transB, m: m, n: cols, k: k, alpha: alpha, a: a, lda: lda,
              b: transB ? b + c0 * ldb : b + c0, ldb: ldb, beta: beta, c: c + c0, ldc: ldc)
      }
    }
  }
}
