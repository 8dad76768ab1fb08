import DTREngine
import Foundation

/// ANT-UW loss weighting (Go et al., 2023, "Addressing Negative Transfer in Diffusion Models"), exactly as
/// DTR's code trains it (dtr-spec.md §6, `models/UW.py`): K = 8 uniform timestep intervals, a stratified
/// batch, and learnable log-variances s_k (from 0) in
///
///     L = Σ_k ½(e^{−s_k}·ℓ_k + s_k),   ℓ_k = (mean per-sample ε-MSE in interval k) / K,
///
/// trained by their own AdamW at lr 0.025, weight decay 0.
///
/// For the network, L is a weighted mean over the batch, `(1/B)·Σ_i w_i·ℓ_i + ½Σ s_k` with
/// `w_i = ½e^{−s_k}·B/(K·n_k)` for sample i in interval k holding n_k samples (= ½e^{−s_k} when K divides
/// B), so the usual weighted MSE backward applies; `∂L/∂s_k = ½(1 − e^{−s_k}·ℓ_k)`.
public final class UncertaintyWeighting: @unchecked Sendable {
  /// The number of timestep intervals, K.
  public static let intervals = 8
  /// The learning rate of the s_k.
  public static let learningRate: Float = 0.025
  /// The parameters: `log_var` holds s_k, k = 0…K−1.
  public let store = ParameterStore()
  /// s_k.
  public let logVariance: Parameter
  /// The s_k's own AdamW (lr 0.025, wd 0).
  public let optimizer: AdamW
  /// Timesteps T.
  public let timesteps: Int

  /// Log-variances at 0 for a process of `timesteps` steps.
  public init(timesteps: Int) {
    self.timesteps = timesteps
    logVariance = store.make("log_var", [Self.intervals])
    optimizer = AdamW(store, lr: Self.learningRate, weightDecay: 0)
  }

  /// The interval k of timestep t: the k with ⌊Tk/K⌋ ≤ t < ⌊T(k+1)/K⌋.
  public func interval(of t: Int) -> Int {
    var k = min(Self.intervals - 1, t * Self.intervals / timesteps)
    while k > 0 && t < timesteps * k / Self.intervals { k -= 1 }
    while k < Self.intervals - 1 && t >= timesteps * (k + 1) / Self.intervals { k += 1 }
    return k
  }

  /// Per-sample weights w_i for a batch with timesteps `ts`, written to `weights`.
  public func weights(timesteps ts: [Int], into weights: UnsafeMutablePointer<Float>) {
    let K = Self.intervals, B = ts.count
    var counts = [Int](repeating: 0, count: K)
    for t in ts { counts[interval(of: t)] += 1 }
    for (i, t) in ts.enumerated() {
      let k = interval(of: t)
      weights[i] = Float(0.5 * exp(-Double(logVariance.value[k])) * Double(B) / Double(K * counts[k]))
    }
  }

  /// ℓ_k: the mean per-sample loss of each interval divided by K (0 for an interval with no sample).
  public func intervalLosses(timesteps ts: [Int], perSample: UnsafePointer<Float>) -> [Double] {
    let K = Self.intervals
    var sum = [Double](repeating: 0, count: K), counts = [Int](repeating: 0, count: K)
    for (i, t) in ts.enumerated() {
      let k = interval(of: t)
      sum[k] += Double(perSample[i])
      counts[k] += 1
    }
    return (0..<K).map { counts[$0] > 0 ? sum[$0] / Double(counts[$0]) / Double(K) : 0 }
  }

  /// L = Σ_k ½(e^{−s_k}·ℓ_k + s_k).
  public func loss(intervalLosses l: [Double]) -> Double {
    (0..<Self.intervals).reduce(0) { acc, k in
      let s = Double(logVariance.value[k])
      return acc + 0.5 * (exp(-s) * l[k] + s)
    }
  }

  /// ∂L/∂s_k = ½(1 − e^{−s_k}·ℓ_k).
  public func gradient(intervalLosses l: [Double]) -> [Double] {
    (0..<Self.intervals).map { 0.5 * (1 - exp(-Double(logVariance.value[$0])) * l[$0]) }
  }

  /// Takes one AdamW step on the s_k along ``gradient(intervalLosses:)``.
  public func update(intervalLosses l: [Double]) {
    for (k, g) in gradient(intervalLosses: l).enumerated() { logVariance.grad[k] = Float(g) }
    optimizer.update()
  }
}
