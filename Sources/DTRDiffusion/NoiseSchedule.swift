import Foundation

/// The β schedule of a DDPM forward process and every quantity derived from it, in float64
/// (as DiT's `gaussian_diffusion.py`).
public struct NoiseSchedule: Sendable {
  /// Schedule families.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    /// β linear from 1e-4·(1000/T) to 0.02·(1000/T) (DDPM, DiT's default).
    case linear
    /// Nichol & Dhariwal's cosine ᾱ(s) = cos²((s+0.008)/1.008·π/2), β capped at 0.999.
    case cosine
  }

  /// Number of steps T.
  public let T: Int
  /// β_t.
  public let betas: [Double]
  /// ᾱ_t = ∏_{s≤t} (1 − β_s).
  public let alphasCumprod: [Double]

  /// The schedule of `kind` with `T` steps.
  public init(_ kind: Kind, T: Int = 1000) {
    var b = [Double](repeating: 0, count: T)
    switch kind {
    case .linear:
      let scale = 1000.0 / Double(T)
      let lo = 1e-4 * scale, hi = 0.02 * scale
      for t in 0..<T { b[t] = T == 1 ? lo : lo + (hi - lo) * Double(t) / Double(T - 1) }
    case .cosine:
      func abar(_ s: Double) -> Double { pow(cos((s + 0.008) / 1.008 * Double.pi / 2), 2) }
      for t in 0..<T { b[t] = min(1 - abar(Double(t + 1) / Double(T)) / abar(Double(t) / Double(T)), 0.999) }
    }
    self.init(betas: b)
  }

  /// A schedule from explicit betas (used for respacing).
  public init(betas: [Double]) {
    T = betas.count
    self.betas = betas
    var ac = [Double](repeating: 0, count: betas.count)
    var p = 1.0
    for (i, b) in betas.enumerated() {
      p *= 1 - b
      ac[i] = p
    }
    alphasCumprod = ac
  }

  /// ᾱ_{t−1}, with ᾱ_{−1} = 1.
  public func alphaBarPrev(_ t: Int) -> Double { t == 0 ? 1 : alphasCumprod[t - 1] }

  /// Signal-to-noise ratio ᾱ_t/(1 − ᾱ_t).
  public func snr(_ t: Int) -> Double { alphasCumprod[t] / (1 - alphasCumprod[t]) }

  /// Posterior variance β̃_t = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t).
  public func posteriorVariance(_ t: Int) -> Double { betas[t] * (1 - alphaBarPrev(t)) / (1 - alphasCumprod[t]) }

  /// The schedule restricted to the timesteps `kept` (ascending): β'_i = 1 − ᾱ_{S_i}/ᾱ_{S_{i−1}}.
  public func respaced(_ kept: [Int]) -> NoiseSchedule {
    var last = 1.0
    var nb: [Double] = []
    for t in kept {
      nb.append(1 - alphasCumprod[t] / last)
      last = alphasCumprod[t]
    }
    return NoiseSchedule(betas: nb)
  }

  /// `count` evenly spaced timesteps of 0…T−1 (DiT's `space_timesteps(T, "count")`: stride
  /// (T−1)/(count−1), rounded half to even).
  public func evenlySpaced(_ count: Int) -> [Int] {
    precondition(count >= 1 && count <= T, "steps must be in 1…\(T)")
    if count == 1 { return [T - 1] }
    let stride = Double(T - 1) / Double(count - 1)
    return Array(Set((0..<count).map { Int((Double($0) * stride).rounded(.toNearestOrEven)) })).sorted()
  }
}
