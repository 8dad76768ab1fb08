import DTREngine
import Foundation

/// A denoiser: writes ε̂ for images `x` at original timesteps `t` with labels `y` into `out`.
public typealias Denoiser = (_ x: Tensor, _ t: [Int], _ y: [Int], _ out: Tensor) -> Void

/// A reverse-process sampler: ancestral DDPM, DDIM, or DPM-Solver++(2M), over all T steps or a subset.
///
/// All of them always call the model with the **original** timestep (0…T−1), so its timestep embedding
/// and routing-mask lookup are the ones it was trained with (dtr-spec.md §3, note 7). Variance for DDPM
/// is FIXED_LARGE (σ²_i = β'_i of the respaced schedule; the last step adds no noise); x̂0 is clipped to
/// [−1, 1], which wide data does hit at early steps (`SamplerTests` pins both). DPM-Solver++ is
/// deterministic like DDIM η = 0 and second order in the step size (``DPMSolverPlusPlus``).
public struct Sampler: Sendable, Equatable, CustomStringConvertible {
  /// Sampler families.
  public enum Kind: String, Sendable, CaseIterable {
    /// Ancestral DDPM (Ho et al. 2020).
    case ddpm
    /// DDIM (Song et al. 2021), deterministic for η = 0.
    case ddim
    /// DPM-Solver++(2M) (Lu et al. 2022), multistep second order, deterministic.
    case dpmpp2m
  }
  /// Family.
  public var kind: Kind
  /// Number of model calls.
  public var steps: Int
  /// DDIM's η (0 = deterministic); ignored by the others.
  public var eta: Double
  /// The noise levels at which classifier-free guidance applies (``GuidanceInterval``); every call unless
  /// the spelling says `@LO..HI`.
  public var guidance: GuidanceInterval

  /// The spellings every `--sampler` option accepts, for help texts and error messages.
  public static let spellings = "ddim:N, ddim:N:ETA, ddpm:N or dpmpp2m:N, optionally with @LO..HI (guidance only where LO < σ ≤ HI)"

  /// A sampler of `kind` with `steps` steps, guiding at the noise levels of `guidance`.
  public init(_ kind: Kind, steps: Int, eta: Double = 0, guidance: GuidanceInterval = .always) {
    self.kind = kind
    self.steps = steps
    self.eta = eta
    self.guidance = guidance
  }

  /// Parses `ddpm:N`, `ddim:N`, `ddim:N:η` or `dpmpp2m:N` (1 ≤ N ≤ 1000), each optionally followed by
  /// `@LO..HI` (``GuidanceInterval``), e.g. `dpmpp2m:15@0.28..5.42`.
  public init?(parsing s: String) {
    let at = s.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    var guidance = GuidanceInterval.always
    if at.count == 2 {
      guard let g = GuidanceInterval(parsing: at[1]) else { return nil }
      guidance = g
    }
    let p = at[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard p.count >= 2, let k = Kind(rawValue: p[0]), let n = Int(p[1]), n >= 1, n <= 1000 else { return nil }
    var eta = 0.0
    if p.count == 3 {
      guard k == .ddim, let e = Double(p[2]), e >= 0, e.isFinite else { return nil }
      eta = e
    } else if p.count > 3 { return nil }
    self.init(k, steps: n, eta: eta, guidance: guidance)
  }

  /// The spelling accepted by ``init(parsing:)``.
  public var description: String {
    let base = kind == .ddim && eta != 0 ? "ddim:\(steps):\(eta)" : "\(kind.rawValue):\(steps)"
    return guidance == .always ? base : "\(base)@\(guidance.description)"
  }

  /// How many of the model calls apply guidance (each costs a second forward pass when the scale ≠ 1).
  public func guidedCalls(_ schedule: NoiseSchedule) -> Int {
    timesteps(schedule).filter { guidance.contains(alphaBar: schedule.alphasCumprod[$0]) }.count
  }

  /// The original timesteps the model is called at, in calling order (T−1 first, 0 last): evenly spaced
  /// in t (DiT's respacing) for DDPM and DDIM, evenly spaced in λ = log(α/σ) for DPM-Solver++ (see
  /// ``DPMSolverPlusPlus/lambdaUniform(_:count:)``).
  public func timesteps(_ schedule: NoiseSchedule) -> [Int] {
    kind == .dpmpp2m ? DPMSolverPlusPlus.lambdaUniform(schedule, count: steps) : schedule.evenlySpaced(steps).reversed()
  }

  /// Generates images from the initial noise `x` (`[N, C, H, W]`, overwritten with the result).
  ///
  /// - Parameters:
  ///   - labels: one label per sample (the model's null class for unconditional draws).
  ///   - cfgScale: classifier-free guidance scale s; ε = ε_null + s·(ε_cond − ε_null) over all channels
  ///     at the calls inside ``guidance``, ε_cond at the others. s = 1 skips the null pass.
  ///   - nullClass: the label of "no class".
  ///   - rng: source of the per-step noise (DDPM and DDIM with η > 0).
  ///   - progress: called after each step with (done, total).
  ///   - isCancelled: asked before each step; when it answers true, sampling stops with `x` unfinished.
  /// - Returns: false when cancelled.
  @discardableResult
  public func sample(
    model: Denoiser, schedule: NoiseSchedule, x: Tensor, labels: [Int], cfgScale: Double = 1, nullClass: Int,
    rng: inout SplitMix64, progress: ((Int, Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
  ) -> Bool {
    let denoiser = GuidedDenoiser(labels: labels, cfgScale: cfgScale, interval: guidance, schedule: schedule,
                                  nullClass: nullClass, like: x)
    if kind == .dpmpp2m {
      return DPMSolverPlusPlus.solve(model: model, denoiser: denoiser, schedule: schedule, times: timesteps(schedule), x: x,
                                     progress: progress, isCancelled: isCancelled)
    }
    let N = labels.count, per = x.count / N
    let kept = schedule.evenlySpaced(steps)
    let sub = schedule.respaced(kept)
    let eps = denoiser.eps
    let noise = Tensor([N * per])
    for i in stride(from: kept.count - 1, through: 0, by: -1) {
      if isCancelled?() == true { return false }
      denoiser.predict(model, x, t: kept[i])
      let ab = sub.alphasCumprod[i], abPrev = sub.alphaBarPrev(i)
      let last = i == 0
      if !last || kind == .ddpm { rng.fillNormal(noise.data, count: N * per) }
      let rA = 1 / ab.squareRoot(), rAm1 = (1 / ab - 1).squareRoot()
      if kind == .ddpm {
        let c1 = sub.betas[i] * abPrev.squareRoot() / (1 - ab)
        let c2 = (1 - abPrev) * (1 - sub.betas[i]).squareRoot() / (1 - ab)
        let sigma = last ? 0 : sub.betas[i].squareRoot()  // FIXED_LARGE: σ² = β of the (respaced) step
        for j in 0..<(N * per) {
          let xt = Double(x.data[j])
          let x0 = min(1, max(-1, rA * xt - rAm1 * Double(eps.data[j])))
          x.data[j] = Float(c1 * x0 + c2 * xt + sigma * Double(noise.data[j]))
        }
      } else {
        let sigma = eta * ((1 - abPrev) / (1 - ab)).squareRoot() * (1 - ab / abPrev).squareRoot()
        let dirScale = max(0, 1 - abPrev - sigma * sigma).squareRoot()
        for j in 0..<(N * per) {
          let xt = Double(x.data[j])
          let x0 = min(1, max(-1, rA * xt - rAm1 * Double(eps.data[j])))
          let e = (rA * xt - x0) / rAm1
          x.data[j] = Float(abPrev.squareRoot() * x0 + dirScale * e + (last ? 0 : sigma * Double(noise.data[j])))
        }
      }
      progress?(kept.count - i, kept.count)
    }
    return true
  }
}
