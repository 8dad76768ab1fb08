/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay,
/// `θ ← θ − lr·(m̂/(√v̂+ε) + wd·θ)`, bias-corrected moments.
///
/// Moments are plain tensors, named like their parameters, so checkpoints can store them and a resumed
/// run continues exactly.
public final class AdamW: @unchecked Sendable {
  /// Learning rate (changed by schedules and by the workbench between epochs).
  public var lr: Float
  /// Exponential decay of the first moment.
  public var beta1: Float
  /// Exponential decay of the second moment.
  public var beta2: Float
  /// Denominator epsilon.
  public var eps: Float
  /// Decoupled weight-decay coefficient.
  public var weightDecay: Float
  /// Number of updates taken (for bias correction).
  public var step: Int = 0
  /// First moments, one per trainable parameter, in store order.
  public let m: [Tensor]
  /// Second moments, one per trainable parameter, in store order.
  public let v: [Tensor]
  private let params: [Parameter]

  /// An optimiser for the trainable parameters of `store`.
  public init(_ store: ParameterStore, lr: Float = 1e-4, beta1: Float = 0.9, beta2: Float = 0.999,
              eps: Float = 1e-8, weightDecay: Float = 0) {
    self.lr = lr
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    params = store.trainable
    m = params.map { Tensor($0.value.shape) }
    v = params.map { Tensor($0.value.shape) }
  }

  /// The names of the moment tensors, parallel to ``m`` and ``v``.
  public var parameterNames: [String] { params.map(\.name) }

  /// Applies one update using the current gradients.
  public func update() {
    Profiler.time(.optimizer) {
      step += 1
      let b1 = beta1, b2 = beta2, e = eps, lrv = lr, wd = weightDecay
      let c1 = 1 / (1 - Float(Double(b1).power(step)))
      let c2 = 1 / (1 - Float(Double(b2).power(step)))
      for (i, p) in params.enumerated() {
        let w = p.value.data, g = p.grad.data, mm = m[i].data, vv = v[i].data
        Parallel.forRange(p.value.count, minChunk: 1 << 15) { s, end in
          for j in s..<end {
            let gj = g[j]
            let mj = b1 * mm[j] + (1 - b1) * gj
            let vj = b2 * vv[j] + (1 - b2) * gj * gj
            mm[j] = mj
            vv[j] = vj
            let upd = (mj * c1) / ((vj * c2).squareRoot() + e) + wd * w[j]
            w[j] -= lrv * upd
          }
        }
      }
    }
  }
}

extension Double {
  /// `self` raised to a non-negative integer power.
  func power(_ n: Int) -> Double {
    var r = 1.0, b = self, e = n
    while e > 0 {
      if e & 1 == 1 { r *= b }
      b *= b
      e >>= 1
    }
    return r
  }
}
