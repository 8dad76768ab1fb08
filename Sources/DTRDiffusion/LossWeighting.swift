/// Per-timestep weights of the ε-MSE loss (dtr-spec.md §6).
public enum LossWeighting: Sendable, Equatable, CustomStringConvertible {
  /// w = 1.
  case uniform
  /// Min-SNR-γ (Hang et al., 2023) for ε-prediction: w = min(SNR_t, γ)/SNR_t.
  case minSNR(gamma: Double)
  /// P2 (Choi et al., 2022): w = 1/(k + SNR_t)^γ.
  case p2(gamma: Double, k: Double)
  /// ANT-UW (Go et al., 2023, as DTR's code trains it): learned per-interval weights ½e^{−s_k} on a
  /// stratified batch (``UncertaintyWeighting``); ``weight(_:_:)`` is its value at s = 0.
  case antUW

  /// Parses `uniform`, `min-snr:γ`, `p2:γ,k` or `ant-uw`.
  public init?(parsing s: String) {
    let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
    switch parts[0] {
    case "uniform" where parts.count == 1: self = .uniform
    case "ant-uw" where parts.count == 1: self = .antUW
    case "min-snr":
      guard parts.count == 2, let g = Double(parts[1]), g > 0 else { return nil }
      self = .minSNR(gamma: g)
    case "p2":
      guard parts.count == 2 else { return nil }
      let v = parts[1].split(separator: ",").compactMap { Double($0) }
      guard v.count == 2, v[0] >= 0, v[1] >= 0 else { return nil }
      self = .p2(gamma: v[0], k: v[1])
    default: return nil
    }
  }

  /// The weight of timestep `t` under `schedule`.
  public func weight(_ t: Int, _ schedule: NoiseSchedule) -> Double {
    switch self {
    case .uniform: return 1
    case .minSNR(let g):
      let s = schedule.snr(t)
      return min(s, g) / s
    case .p2(let g, let k): return 1 / pow(k + schedule.snr(t), g)
    case .antUW: return 0.5
    }
  }

  /// The spelling accepted by ``init(parsing:)``.
  public var description: String {
    switch self {
    case .uniform: return "uniform"
    case .minSNR(let g): return "min-snr:\(g)"
    case .p2(let g, let k): return "p2:\(g),\(k)"
    case .antUW: return "ant-uw"
    }
  }
}

import Foundation
