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
