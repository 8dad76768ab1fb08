import DTREngine

/// One KID subset: row indices into the real and the generated features, drawn without replacement,
/// of equal length.
public struct KIDSubset: Sendable, Equatable {
  /// Rows of the real (reference) set.
  public let real: [Int]
  /// Rows of the generated set.
  public let generated: [Int]

  /// A subset of the given rows; both lists must have the same length m ≥ 2.
  public init(real: [Int], generated: [Int]) {
    precondition(real.count == generated.count && real.count >= 2, "KID subsets need m ≥ 2 rows on both sides")
    self.real = real
    self.generated = generated
  }
}

/// Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimate of
/// MMD² (Gretton et al. 2012, "A Kernel Two-Sample Test", eq. 3) with the cubic polynomial kernel
/// k(x, y) = (xᵀy/D + 1)³,
///
///   MMD²ᵤ = 1/(m(m−1)) Σ_{i≠i'} k(xᵢ,xᵢ') + 1/(m(m−1)) Σ_{j≠j'} k(yⱼ,yⱼ') − 2/m² Σ_{i,j} k(xᵢ,yⱼ),
///
/// averaged over random subsets (torch-fidelity / clean-fid defaults: 100 subsets of min(1000, N)),
/// reported as mean and population standard deviation over subsets, as `fid_ref.py` does. The estimator
/// is unbiased, so values near 0 can be negative.
///
/// `fid_ref.py` draws subsets with numpy's `RandomState(seed).choice(..., replace=False)` (real, then
/// generated, per subset); pass those indices through ``init(real:generated:subsets:)`` to reproduce it
/// exactly. The default draw (``randomSubsets(realCount:generatedCount:count:size:seed:)``) uses
/// ``SplitMix64`` instead and gives a statistically equivalent, not identical, result.
public struct KernelInceptionDistance: Sendable {
  /// Mean of MMD²ᵤ over the subsets: KID.
  public let mean: Double
  /// Population standard deviation of MMD²ᵤ over the subsets.
  public let std: Double
  /// MMD²ᵤ of each subset, in order.
  public let subsetValues: [Double]
  /// Rows per side in each subset.
  public let subsetSize: Int

  /// KID over explicitly given subsets (at least one).
  public init(real: FeatureMatrix, generated: FeatureMatrix, subsets: [KIDSubset]) {
    precondition(!subsets.isEmpty, "KID needs at least one subset")
    precondition(real.columns == generated.columns, "feature dimensions differ: \(real.columns) vs \(generated.columns)")
    subsetValues = subsets.map {
      KernelInceptionDistance.mmd2Unbiased(real.selecting(rows: $0.real), generated.selecting(rows: $0.generated))
    }
    subsetSize = subsets[0].real.count
    let s = Double(subsetValues.count)
    let mu = subsetValues.reduce(0, +) / s
    mean = mu
    std = (subsetValues.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / s).squareRoot()
  }

  /// KID over `subsetCount` subsets of min(`subsetSize`, N_real, N_generated) rows drawn with
  /// ``randomSubsets(realCount:generatedCount:count:size:seed:)``.
  public init(real: FeatureMatrix, generated: FeatureMatrix, subsetCount: Int = 100, subsetSize: Int = 1000,
              seed: UInt64 = 0) {
    let size = min(subsetSize, real.rows, generated.rows)
    self.init(real: real, generated: generated,
              subsets: KernelInceptionDistance.randomSubsets(
                realCount: real.rows, generatedCount: generated.rows, count: subsetCount, size: size, seed: seed))
  }

  /// `count` subsets of `size` rows per side, each side drawn without replacement (a partial
  /// Fisher–Yates shuffle driven by ``SplitMix64``), real side first, subset after subset.
  public static func randomSubsets(realCount: Int, generatedCount: Int, count: Int, size: Int,
                                   seed: UInt64) -> [KIDSubset] {
    precondition(size <= realCount && size <= generatedCount, "subset size \(size) exceeds a set size")
    var rng = SplitMix64(seed: seed)
    func draw(_ n: Int) -> [Int] {
      var pool = Array(0..<n)
      for i in 0..<size { pool.swapAt(i, i + rng.nextInt(n - i)) }
      return Array(pool[0..<size])
    }
    return (0..<count).map { _ in
      let real = draw(realCount)
      return KIDSubset(real: real, generated: draw(generatedCount))
    }
  }

  /// MMD²ᵤ between two equally sized samples `x` and `y` (m ≥ 2 rows each) under the cubic kernel.
  public static func mmd2Unbiased(_ x: FeatureMatrix, _ y: FeatureMatrix) -> Double {
    precondition(x.rows == y.rows && x.rows >= 2 && x.columns == y.columns, "MMD² needs two m×D samples, m ≥ 2")
    let m = Double(x.rows)
    let within = (kernelSum(x, x, offDiagonalOnly: true) + kernelSum(y, y, offDiagonalOnly: true)) / (m * (m - 1))
    return within - 2 * kernelSum(x, y, offDiagonalOnly: false) / (m * m)
  }

  /// Σ k(xᵢ, yⱼ) over all pairs (or over i ≠ j) with k(x, y) = (xᵀy/D + 1)³; the Gram matrix comes from
  /// one `dgemm`.
  private static func kernelSum(_ x: FeatureMatrix, _ y: FeatureMatrix, offDiagonalOnly: Bool) -> Double {
    let m = x.rows, n = y.rows, d = x.columns
    var gram = [Double](repeating: 0, count: m * n)
    dgemm(transA: false, transB: true, m: m, n: n, k: d, alpha: 1 / Double(d), a: x.values, lda: d,
          b: y.values, ldb: d, c: &gram, ldc: n)
    var sum = 0.0
    for i in 0..<m {
      for j in 0..<n where !(offDiagonalOnly && i == j) {
        let t = gram[i * n + j] + 1
        sum += t * t * t
      }
    }
    return sum
  }
}
