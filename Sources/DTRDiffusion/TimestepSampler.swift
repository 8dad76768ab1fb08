import DTREngine

/// How a batch's timesteps are drawn.
public enum TimestepSampler: String, Sendable, Codable, CaseIterable {
  /// Each t independently uniform on {0, …, T−1}.
  case uniform
  /// Stratified over ``UncertaintyWeighting/intervals`` equal intervals [⌊Tk/K⌋, ⌊T(k+1)/K⌋): the batch
  /// holds ⌊B/K⌋ or ⌈B/K⌉ samples of every interval (the first B mod K intervals get one more), each
  /// uniform inside it, in interval order (dtr-spec.md §6, DTR's `uw` sampling).
  case stratified

  /// Fills `ts` (one per batch element) with timesteps in {0, …, T−1}.
  public func draw(_ ts: inout [Int], timesteps T: Int, intervals K: Int = UncertaintyWeighting.intervals,
                   rng: inout SplitMix64) {
    switch self {
    case .uniform:
      for i in ts.indices { ts[i] = rng.nextInt(T) }
    case .stratified:
      let B = ts.count
      var i = 0
      for k in 0..<K {
        let lo = T * k / K, hi = T * (k + 1) / K
        for _ in 0..<(B / K + (k < B % K ? 1 : 0)) {
          ts[i] = lo + rng.nextInt(hi - lo)
          i += 1
        }
      }
    }
  }
}
