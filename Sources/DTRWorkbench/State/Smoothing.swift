import Foundation

/// TensorBoard's "classic" loss smoothing: a debiased exponential moving average.
///
/// `last_i = w·last_{i−1} + (1−w)·x_i` from `last = 0`, and `smoothed_i = last_i / (1 − w^{n})` with n the
/// number of finite points so far. Non-finite points pass through unchanged and are not counted; a
/// constant series comes back unchanged; w is clamped to 0…1 (non-finite w counts as 0).
///
/// A point may stand for `k` steps with the same value (a merged point of ``LossHistory``, at its mean):
/// it then counts k times, `last_i = w^k·last_{i−1} + (1−w^k)·x_i`, so the curve of merged points follows
/// the curve of the steps they merge.
public enum Smoothing {
  /// The weights the `w` key cycles through.
  public static let weights: [Double] = [0, 0.6, 0.9, 0.99]

  /// The smoothed series; `counts[i]` (default 1) is how many steps `ys[i]` stands for.
  public static func ema(_ ys: [Double], counts: [Int]? = nil, weight: Double) -> [Double] {
    let w = weight.isFinite ? min(max(weight, 0), 1) : 0
    let finite = ys.lazy.filter(\.isFinite)
    if let first = finite.first, finite.allSatisfy({ $0 == first }) { return ys }
    var last = 0.0, wn = 1.0  // wn = w^n, n = finite steps so far
    return ys.indices.map { i in
      let y = ys[i]
      guard y.isFinite else { return y }
      let wk = counts.map { pow(w, Double($0[i])) } ?? w
      last = last * wk + (1 - wk) * y
      wn *= wk
      return w == 1 ? last : last / (1 - wn)
    }
  }
}
