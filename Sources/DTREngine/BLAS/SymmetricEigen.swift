/// Why a symmetric eigen-decomposition failed.
public struct SymmetricEigenError: Error, CustomStringConvertible {
  /// LAPACK's `info` (0 when the solver itself is missing).
  public let info: Int32
  /// What went wrong, in words.
  public let description: String
}

/// Float64 eigen-decomposition `A = V·diag(λ)·Vᵀ` of a real symmetric matrix, computed by LAPACK's
/// divide-and-conquer `dsyevd` (resolved from OpenBLAS at run time, see ``BLASRuntime``).
///
/// Only one triangle of the input is read, so the caller must pass a symmetric matrix (symmetrise
/// `(A + Aᵀ)/2` first when it comes from rounded products).
public struct SymmetricEigen: Sendable {
  /// Order n of the matrix.
  public let dimension: Int
  /// The n eigenvalues in ascending order.
  public let values: [Double]
  /// Row-major n×n; row i is the unit eigenvector of `values[i]`. Empty when only values were asked for.
  public let vectors: [Double]

  /// Decomposes the row-major n×n symmetric `matrix`; `computeVectors` selects LAPACK's `jobz`
  /// (`V`: values and vectors, `N`: values only). Throws when `dsyevd` is unavailable, rejects an argument
  /// (`info < 0`) or does not converge (`info > 0`).
  public init(symmetric matrix: [Double], dimension n: Int, computeVectors: Bool) throws {
    precondition(n >= 0 && matrix.count == n * n, "matrix has \(matrix.count) elements, expected \(n)×\(n)")
    dimension = n
    guard n > 0 else {
      values = []
      vectors = []
      return
    }
    guard let dsyevd = BLASRuntime.shared.dsyevdFn else {
      throw SymmetricEigenError(info: 0, description: "dsyevd_ not found in \(BLASRuntime.shared.libraryPath)")
    }
    // Row-major and column-major views of a symmetric matrix coincide; on return LAPACK's column j
    // (= row j of the row-major view) holds the eigenvector of w[j].
    var a = matrix
    var w = [Double](repeating: 0, count: n)
    var jobz: CChar = computeVectors ? 0x56 : 0x4E  // "V" / "N"
    var uplo: CChar = 0x55  // "U": upper triangle in LAPACK's column-major view
    var order = Int32(n), lda = Int32(n), info: Int32 = 0

    // Workspace query (lwork = liwork = -1), then the decomposition itself.
    var workSize = 0.0, iworkSize: Int32 = 0, query: Int32 = -1
    dsyevd(&jobz, &uplo, &order, &a, &lda, &w, &workSize, &query, &iworkSize, &query, &info)
    if info == 0 {
      var lwork = Int32(workSize.rounded(.up)), liwork = max(iworkSize, 1)
      var work = [Double](repeating: 0, count: Int(lwork))
      var iwork = [Int32](repeating: 0, count: Int(liwork))
      dsyevd(&jobz, &uplo, &order, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
    }
    guard info == 0 else {
      let reason = info < 0
        ? "argument \(-info) of dsyevd was illegal"
        : "dsyevd did not converge (info = \(info))"
      throw SymmetricEigenError(info: info, description: "symmetric eigen-decomposition of \(n)×\(n): \(reason)")
    }
    values = w
    vectors = computeVectors ? a : []
  }
}
