import DTREngine

/// Float64 Gaussian fit of a feature set: the mean μ and the unbiased covariance
/// Σ = 1/(N−1) Σᵢ (xᵢ−μ)(xᵢ−μ)ᵀ (what `np.cov(rowvar=False)`, pytorch-fid and TTUR use).
///
/// Computed two-pass: the mean first, then the covariance of the centred matrix with one `dgemm`, never
/// as E[xxᵀ] − μμᵀ (which cancels catastrophically for post-ReLU features whose mean ≫ std). The
/// covariance is exactly symmetric. Codable as plain arrays so the reference set's statistics can be
/// cached (e.g. as F64 safetensors, `mean` [D] and `covariance` [D, D]).
public struct FeatureStatistics: Codable, Sendable, Equatable {
  /// Number of samples N the statistics were computed from.
  public let count: Int
  /// μ, D values.
  public let mean: [Double]
  /// Σ, D×D values, row-major.
  public let covariance: [Double]

  /// Restores cached statistics.
  public init(count: Int, mean: [Double], covariance: [Double]) {
    precondition(count >= 2 && !mean.isEmpty && covariance.count == mean.count * mean.count,
                 "statistics need N ≥ 2, D ≥ 1 and a D×D covariance")
    self.count = count
    self.mean = mean
    self.covariance = covariance
  }

  /// Fits μ and Σ to the N×D `features` (N ≥ 2).
  public init(_ features: FeatureMatrix) {
    let n = features.rows, d = features.columns
    precondition(n >= 2, "covariance needs at least 2 samples, got \(n)")
    var mu = [Double](repeating: 0, count: d)
    features.values.withUnsafeBufferPointer { x in
      for i in 0..<n {
        for j in 0..<d { mu[j] += x[i * d + j] }
      }
    }
    for j in 0..<d { mu[j] /= Double(n) }

    var centred = features.values
    for i in 0..<n {
      for j in 0..<d { centred[i * d + j] -= mu[j] }
    }
    var sigma = [Double](repeating: 0, count: d * d)
    dgemm(transA: true, transB: false, m: d, n: d, k: n, alpha: 1 / Double(n - 1),
          a: centred, lda: d, b: centred, ldb: d, c: &sigma, ldc: d)
    self.init(count: n, mean: mu, covariance: symmetrised(sigma, dimension: d))
  }

  /// Feature dimension D.
  public var dimension: Int { mean.count }

  /// tr Σ.
  public var covarianceTrace: Double {
    (0..<dimension).reduce(0) { $0 + covariance[$1 * dimension + $1] }
  }
}

/// (A + Aᵀ)/2 of a row-major n×n matrix: removes the rounding asymmetry of a product before it reaches
/// the symmetric eigensolver, which reads only one triangle.
func symmetrised(_ a: [Double], dimension n: Int) -> [Double] {
  var out = a
  for i in 0..<n {
    for j in (i + 1)..<n {
      let v = 0.5 * (a[i * n + j] + a[j * n + i])
      out[i * n + j] = v
      out[j * n + i] = v
    }
  }
  return out
}
