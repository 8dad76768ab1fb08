import DTREngine

/// Fréchet distance between two Gaussian feature fits (Heusel et al. 2017, "GANs Trained by a Two
/// Time-Scale Update Rule Converge to a Local Nash Equilibrium"), the squared 2-Wasserstein distance
///
///   FID = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr((Σ₁ Σ₂)^½),
///
/// with its components kept for reporting and cross-checks.
///
/// The trace term uses the symmetric form of TF-GAN's `trace_sqrt_product` (the "symmetric eigh" method
/// of `fid_ref.py`, `fid_from_stats_eigh`): with A = Σ₁^½, Σ₁Σ₂ = A(AΣ₂A)A⁻¹ is similar to the symmetric
/// PSD matrix M = AΣ₂A, so tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(M). In float64:
/// 1. eigh((Σ₁+Σ₁ᵀ)/2) = V diag(w) Vᵀ, w clamped at 0, A = V diag(√w) Vᵀ;
/// 2. M = A Σ₂ A, symmetrised (M+Mᵀ)/2;
/// 3. λ = eigvalsh(M) clamped at 0; trace term = Σ √λᵢ.
/// It needs no complex arithmetic and no ε·I fallback, and stays well defined for singular Σ (dead ReLU
/// features, N < D), where it agrees with pytorch-fid's `sqrtm` to ~1e-8 and on full-rank data to ~1e-13.
///
/// The value is symmetric in its arguments up to rounding; `fid_ref.py` passes the generated set first,
/// and so does ``MetricReport``.
public struct FrechetDistance: Sendable {
  /// FID itself.
  public let value: Double
  /// ‖μ₁ − μ₂‖².
  public let meanTerm: Double
  /// tr Σ₁.
  public let traceFirst: Double
  /// tr Σ₂.
  public let traceSecond: Double
  /// tr((Σ₁ Σ₂)^½) = Σᵢ √λᵢ(Σ₁^½ Σ₂ Σ₁^½).
  public let traceSqrtProduct: Double

  /// The distance between `first` and `second`, which must have the same dimension. Throws only when the
  /// eigensolver fails.
  public init(_ first: FeatureStatistics, _ second: FeatureStatistics) throws {
    let d = first.dimension
    precondition(second.dimension == d, "feature dimensions differ: \(d) vs \(second.dimension)")
    meanTerm = zip(first.mean, second.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    traceFirst = first.covarianceTrace
    traceSecond = second.covarianceTrace

    let a = try psdSquareRoot(symmetrised(first.covariance, dimension: d), dimension: d)
    var aSigma = [Double](repeating: 0, count: d * d)
    var m = [Double](repeating: 0, count: d * d)
    dgemm(transA: false, transB: false, m: d, n: d, k: d, a: a, lda: d, b: second.covariance, ldb: d,
          c: &aSigma, ldc: d)
    dgemm(transA: false, transB: false, m: d, n: d, k: d, a: aSigma, lda: d, b: a, ldb: d, c: &m, ldc: d)
    let lambda = try SymmetricEigen(symmetric: symmetrised(m, dimension: d), dimension: d, computeVectors: false)
    traceSqrtProduct = lambda.values.reduce(0) { $0 + max($1, 0).squareRoot() }
    value = meanTerm + traceFirst + traceSecond - 2 * traceSqrtProduct
  }
}

/// The symmetric PSD square root V diag(√max(w, 0)) Vᵀ of the symmetric row-major n×n `matrix`.
private func psdSquareRoot(_ matrix: [Double], dimension n: Int) throws -> [Double] {
  let eig = try SymmetricEigen(symmetric: matrix, dimension: n, computeVectors: true)
  // Rows of `eig.vectors` are eigenvectors: A = Eᵀ · diag(√w) · E.
  var scaled = eig.vectors
  for i in 0..<n {
    let s = max(eig.values[i], 0).squareRoot()
    for j in 0..<n { scaled[i * n + j] *= s }
  }
  var root = [Double](repeating: 0, count: n * n)
  dgemm(transA: true, transB: false, m: n, n: n, k: n, a: eig.vectors, lda: n, b: scaled, ldb: n,
        c: &root, ldc: n)
  return root
}
