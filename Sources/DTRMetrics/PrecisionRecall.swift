import DTREngine

/// Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
/// Assessing Generative Models").
///
/// Each feature set Φ approximates its manifold by balls around its points of radius r_k(φ), the distance
/// to φ's k-th nearest neighbour in Φ excluding φ itself (k = 3 by default, as in the official code and
/// torch-fidelity). A point φ lies in the manifold of Φ' when ‖φ − φ'‖ ≤ r_k(φ') for some φ' ∈ Φ':
///
///   precision = fraction of generated points inside the real manifold,
///   recall    = fraction of real points inside the generated manifold.
///
/// Conventions as in `fid_ref.py` and the official code: squared distances ‖a‖² − 2aᵀb + ‖b‖² from GEMM
/// in float64, clamped at 0; the radius is element k of the ascending row of distances, whose element 0 is
/// the point's own (≈0) distance; membership is the non-strict `≤`. Distances are formed in row blocks
/// (a few tens of MB at N = 10k), and each block is scanned on all ``Parallel/workers``. Values depend on
/// N and k: compare only at equal set sizes.
public struct PrecisionRecall: Sendable {
  /// Fraction of generated samples inside the real manifold.
  public let precision: Double
  /// Fraction of real samples inside the generated manifold.
  public let recall: Double
  /// The neighbourhood size used.
  public let k: Int

  /// Precision and recall of `generated` against `real`; both sets need more than k rows.
  public init(real: FeatureMatrix, generated: FeatureMatrix, k: Int = 3) {
    precondition(real.columns == generated.columns, "feature dimensions differ: \(real.columns) vs \(generated.columns)")
    self.k = k
    let realRadii = PrecisionRecall.kNearestRadiiSquared(real, k: k)
    let generatedRadii = PrecisionRecall.kNearestRadiiSquared(generated, k: k)
    precision = PrecisionRecall.fractionInside(generated, manifold: real, radiiSquared: realRadii)
    recall = PrecisionRecall.fractionInside(real, manifold: generated, radiiSquared: generatedRadii)
  }

  /// r_k(φ)² for every row φ of `features`: the k-th smallest squared distance to the other rows
  /// (element k of the ascending distances including the self-distance). Needs more than k rows.
  public static func kNearestRadiiSquared(_ features: FeatureMatrix, k: Int) -> [Double] {
    precondition(k >= 1 && features.rows > k, "k-NN radii need more than k = \(k) rows, got \(features.rows)")
    var radii = [Double](repeating: 0, count: features.rows)
    radii.withUnsafeMutableBufferPointer { out in
      forEachDistanceRow(queries: features, reference: features) { i, row in
        // The k+1 smallest values seen so far, ascending.
        var smallest = [Double](repeating: .infinity, count: k + 1)
        for v in row where v < smallest[k] {
          var p = k
          while p > 0 && smallest[p - 1] > v {
            smallest[p] = smallest[p - 1]
            p -= 1
          }
          smallest[p] = v
        }
        out[i] = smallest[k]
      }
    }
    return radii
  }

  /// Fraction of rows of `queries` inside at least one ball of `manifold` (squared radii `radiiSquared`,
  /// one per manifold row).
  public static func fractionInside(_ queries: FeatureMatrix, manifold: FeatureMatrix, radiiSquared: [Double]) -> Double {
    precondition(radiiSquared.count == manifold.rows, "one radius per manifold row")
    var hits = [Bool](repeating: false, count: queries.rows)
    hits.withUnsafeMutableBufferPointer { out in
      radiiSquared.withUnsafeBufferPointer { r in
        forEachDistanceRow(queries: queries, reference: manifold) { i, row in
          out[i] = row.indices.contains { row[$0] <= r[$0] }
        }
      }
    }
    return Double(hits.lazy.filter { $0 }.count) / Double(queries.rows)
  }
}

/// Calls `body(i, row)` with the squared distances max(‖qᵢ‖² − 2qᵢᵀrⱼ + ‖rⱼ‖², 0) from every query row i
/// to all reference rows. Rows are produced in blocks by one `dgemm` each and handed to `body`
/// concurrently from ``Parallel/workers`` threads; each i is visited exactly once.
private func forEachDistanceRow(
  queries: FeatureMatrix, reference: FeatureMatrix, _ body: (Int, UnsafeBufferPointer<Double>) -> Void
) {
  let d = queries.columns, n = reference.rows
  let queryNorms = queries.rowNormsSquared(), referenceNorms = reference.rowNormsSquared()
  let blockRows = max(1, min(queries.rows, 4_000_000 / max(n, 1)))  // ≤ 32 MB of distances per block
  var block = [Double](repeating: 0, count: blockRows * n)
  block.withUnsafeMutableBufferPointer { dist in
    queries.values.withUnsafeBufferPointer { q in
      for start in stride(from: 0, to: queries.rows, by: blockRows) {
        let rows = min(blockRows, queries.rows - start)
        dgemm(transA: false, transB: true, m: rows, n: n, k: d, alpha: -2, a: q.baseAddress! + start * d, lda: d,
              b: reference.values, ldb: d, c: dist.baseAddress!, ldc: n)
        Parallel.forRange(rows, minChunk: 16) { lo, hi in
          for r in lo..<hi {
            let row = dist.baseAddress! + r * n
            let qn = queryNorms[start + r]
            for j in 0..<n { row[j] = max(qn + row[j] + referenceNorms[j], 0) }
            body(start + r, UnsafeBufferPointer(start: row, count: n))
          }
        }
      }
    }
  }
}
