import Foundation

/// Inception-style score of a domain classifier's logits (Salimans et al. 2016, "Improved Techniques for
/// Training GANs"):
///
///   IS = exp(E_x[KL(p(y|x) ‖ p(y))]),  p(y) = E_x p(y|x),
///
/// computed on `splits` consecutive chunks (rows ⌊s·N/S⌋..<⌊(s+1)·N/S⌋, no shuffling, as in the original
/// code and `fid_ref.py`), with p(y) the mean of p(y|x) within the chunk; reported as mean and population
/// standard deviation over chunks. Log-softmax is taken in float64. 1 ≤ IS ≤ C for C classes, and IS
/// ignores real data: always report IS(real test set) beside it as the ceiling.
public struct InceptionScore: Sendable {
  /// Mean of the per-split scores.
  public let mean: Double
  /// Population standard deviation of the per-split scores.
  public let std: Double
  /// exp(mean KL) of each split, in order.
  public let splitScores: [Double]

  /// The score of N×C `logits` (one row of class logits per sample) over `splits` chunks, N ≥ splits.
  public init(logits: FeatureMatrix, splits: Int = 10) {
    precondition(splits >= 1 && logits.rows >= splits, "IS needs at least one sample per split")
    let n = logits.rows, c = logits.columns
    let logProbabilities = logSoftmaxRows(logits)
    splitScores = (0..<splits).map { s in
      let lo = s * n / splits, hi = (s + 1) * n / splits
      var marginal = [Double](repeating: 0, count: c)
      for i in lo..<hi {
        for y in 0..<c { marginal[y] += exp(logProbabilities[i * c + y]) }
      }
      let logMarginal = marginal.map { log(max($0 / Double(hi - lo), 1e-300)) }
      var klSum = 0.0
      for i in lo..<hi {
        for y in 0..<c {
          let lp = logProbabilities[i * c + y]
          klSum += exp(lp) * (lp - logMarginal[y])
        }
      }
      return exp(klSum / Double(hi - lo))
    }
    let s = Double(splits)
    let mu = splitScores.reduce(0, +) / s
    mean = mu
    std = (splitScores.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / s).squareRoot()
  }
}

/// log softmax of every row, stabilised by subtracting the row maximum.
private func logSoftmaxRows(_ logits: FeatureMatrix) -> [Double] {
  let c = logits.columns
  var out = logits.values
  for i in 0..<logits.rows {
    let row = (i * c)..<((i + 1) * c)
    let top = out[row].max()!
    let logSum = log(out[row].reduce(0) { $0 + exp($1 - top) })
    for j in row { out[j] = out[j] - top - logSum }
  }
  return out
}
