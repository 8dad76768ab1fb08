import DTRData
import DTRDiffusion
import DTREngine
import DTRModels
import Foundation

/// How the denoising tasks of different timesteps help or fight each other, measured on a network as it
/// is (issue #14; Fifty et al. 2021, "Efficiently Identifying Task Groupings", as used by ANT):
///
/// - timesteps fall in K equal buckets (the per-timestep loss panel's); a **fixed probe batch** (the same
///   images, timesteps and noises at every measurement) holds `perBucket` samples of each bucket;
/// - each bucket's gradient g_k of its ε-MSE with respect to all trainable weights (and, separately, to the
///   routed blocks' weights alone) gives the **cosine similarity** matrix cos(g_i, g_j) and the **conflict
///   rate**, the share of bucket pairs (i < j) with negative cosine;
/// - the **lookahead affinity** A_ij = 1 − L_j(θ − η·g_i) / L_j(θ) is the relative drop of bucket j's loss
///   after an SGD step of size η on bucket i's gradient alone (positive: i's step helps j).
///
/// The measurement moves the weights for the lookahead and restores them bit for bit; it never touches the
/// optimizer, the EMA or any training random stream.
public final class TaskAffinity: @unchecked Sendable {
  /// One measurement.
  public struct Result: Codable, Sendable, Equatable {
    /// Buckets K and their edges in timesteps (K + 1 values: bucket k is [edges[k], edges[k+1])).
    public var buckets: Int
    public var edges: [Int]
    /// cos(g_i, g_j) over all weights, and over the routed blocks' weights alone (K × K, row-major rows).
    public var cosine: [[Double]], cosineRouted: [[Double]]
    /// A_ij = 1 − L_j(θ − η g_i)/L_j(θ).
    public var lookahead: [[Double]]
    /// Share of pairs i < j with negative cosine (all weights).
    public var conflictRate: Double
    /// The lookahead step η and the seconds the measurement took.
    public var eta: Double, seconds: Double

    /// A measurement's values.
    public init(buckets: Int, edges: [Int], cosine: [[Double]], cosineRouted: [[Double]], lookahead: [[Double]],
                conflictRate: Double, eta: Double, seconds: Double) {
      (self.buckets, self.edges, self.cosine, self.cosineRouted, self.lookahead) = (buckets, edges, cosine, cosineRouted, lookahead)
      (self.conflictRate, self.eta, self.seconds) = (conflictRate, eta, seconds)
    }

    enum CodingKeys: String, CodingKey {
      case buckets, edges, cosine, cosineRouted = "cosine_routed", lookahead, conflictRate = "conflict_rate", eta, seconds
    }

    /// Mean of the values at bucket distance 1 and at distance ≥ K/2 (the panel's trend line).
    public func meanByDistance(_ m: [[Double]]) -> (adjacent: Double, distant: Double) {
      var adjacent: [Double] = [], distant: [Double] = []
      for i in 0..<buckets {
        for j in 0..<buckets where i != j {
          let d = abs(i - j)
          if d == 1 { adjacent.append(m[i][j]) }
          if d >= max(2, buckets / 2) { distant.append(m[i][j]) }
        }
      }
      func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
      return (mean(adjacent), mean(distant))
    }
  }

  /// Buckets K.
  public let buckets: Int
  /// Probe samples per bucket.
  public let perBucket: Int
  /// The lookahead SGD step η.
  public let eta: Double
  private let schedule: NoiseSchedule
  private let timesteps: Int
  private let images: [Tensor], noisy: [Tensor], noise: [Tensor], ts: [[Int]], labels: [[Int]]
  private let pred: Tensor, dPred: Tensor, perSample: Tensor

  /// A probe of `perBucket` samples per bucket for `config`, drawn once with `seed` from the first
  /// training images of Fashion-MNIST (class-conditional models see their true labels).
  public init(config: TrainConfig, buckets: Int = 10, perBucket: Int = 32, eta: Double = 1e-3, seed: UInt64 = 0xAFF1) throws {
    precondition(buckets >= 2 && perBucket >= 1)
    self.buckets = buckets
    self.perBucket = perBucket
    self.eta = eta
    timesteps = config.model.timesteps
    schedule = NoiseSchedule(config.schedule, T: timesteps)
    let data = try FashionMNIST.load(split: .train, directory: config.dataDir)
    var rng = SplitMix64(seed: seed)
    let side = config.model.inputSize, c = config.model.inChannels
    var images: [Tensor] = [], noisy: [Tensor] = [], noise: [Tensor] = [], ts: [[Int]] = [], labels: [[Int]] = []
    for k in 0..<buckets {
      let x = Tensor([perBucket, c, side, side]), n = Tensor([perBucket, c, side, side]), xt = Tensor([perBucket, c, side, side])
      var t: [Int] = [], y: [Int] = []
      for i in 0..<perBucket {
        let index = (k * perBucket + i) % data.count
        for (j, p) in data.image(index).enumerated() { x.data[i * side * side + j] = Float(p) / 127.5 - 1 }
        let lo = timesteps * k / buckets, hi = timesteps * (k + 1) / buckets
        t.append(lo + rng.nextInt(hi - lo))
        y.append(config.model.conditional ? Int(data.labels[index]) : 0)
      }
      rng.fillNormal(n.data, count: n.count)
      ForwardProcess.qSample(x0: x, noise: n, t: t, schedule: schedule, out: xt)
      images.append(x); noise.append(n); noisy.append(xt); ts.append(t); labels.append(y)
    }
    (self.images, self.noise, self.noisy, self.ts, self.labels) = (images, noise, noisy, ts, labels)
    pred = Tensor([perBucket, c, side, side]); dPred = Tensor([perBucket, c, side, side]); perSample = Tensor([perBucket])
  }

  /// Bucket edges in timesteps.
  public var edges: [Int] { (0...buckets).map { timesteps * $0 / buckets } }

  /// Measures `model` (weights restored bit for bit afterwards; gradients left zeroed).
  public func measure(_ model: any DenoisingNetwork) -> Result {
    let started = Date()
    let params = model.parameters.trainable
    let routedPrefixes = model.config.routedBlocks.map { $0.name + "." }
    let routed = params.map { p in routedPrefixes.contains { p.name.hasPrefix($0) } }
    let (base, grads) = bucketGradients(model)
    let routedMask = zip(params, routed).flatMap { p, r in [Bool](repeating: r, count: p.value.count) }
    func cosine(_ a: [Float], _ b: [Float], only: [Bool]?) -> Double {
      var ab = 0.0, aa = 0.0, bb = 0.0
      for i in a.indices where only?[i] ?? true {
        let x = Double(a[i]), y = Double(b[i])
        ab += x * y; aa += x * x; bb += y * y
      }
      return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }
    let cos = (0..<buckets).map { i in (0..<buckets).map { j in cosine(grads[i], grads[j], only: nil) } }
    let cosRouted = (0..<buckets).map { i in (0..<buckets).map { j in cosine(grads[i], grads[j], only: routedMask) } }
    // Lookahead: θ − η g_i, every bucket's loss, then θ restored exactly.
    let saved = params.map { $0.value.toArray() }
    var look: [[Double]] = []
    for i in 0..<buckets {
      var offset = 0
      for (p, original) in zip(params, saved) {
        for e in 0..<p.value.count { p.value.data[e] = Float(Double(original[e]) - eta * Double(grads[i][offset + e])) }
        offset += p.value.count
      }
      look.append((0..<buckets).map { j in base[j] > 0 ? 1 - loss(model, j) / base[j] : 0 })
    }
    for (p, original) in zip(params, saved) { p.value.data.update(from: original, count: original.count) }
    var negative = 0, pairs = 0
    for i in 0..<buckets {
      for j in (i + 1)..<buckets {
        pairs += 1
        if cos[i][j] < 0 { negative += 1 }
      }
    }
    return Result(buckets: buckets, edges: edges, cosine: cos, cosineRouted: cosRouted, lookahead: look,
                  conflictRate: Double(negative) / Double(max(pairs, 1)), eta: eta, seconds: Date().timeIntervalSince(started))
  }

  /// Each bucket's probe loss and its gradient with respect to every trainable weight (flattened in
  /// `parameters.trainable` order); leaves the gradients zeroed.
  public func bucketGradients(_ model: any DenoisingNetwork) -> (losses: [Double], gradients: [[Float]]) {
    var grads: [[Float]] = [], losses: [Double] = []
    for k in 0..<buckets {
      losses.append(loss(model, k))
      model.parameters.zeroGrad()
      MSELossOp.backward(pred: pred.data, target: noise[k].data, batch: perBucket, perSampleCount: pred.count / perBucket,
                         dPred: dPred.data)
      model.backward(dPred)
      grads.append(model.parameters.trainable.flatMap { $0.grad.toArray() })
    }
    model.parameters.zeroGrad()
    return (losses, grads)
  }

  /// The whole probe batch (every bucket's samples, in bucket order): noisy images, timesteps, labels, noise.
  public var probe: (noisy: Tensor, t: [Int], y: [Int], noise: Tensor) {
    let per = noisy[0].count, shape = noisy[0].shape
    let x = Tensor([buckets * perBucket] + Array(shape.dropFirst())), n = Tensor(x.shape)
    for k in 0..<buckets {
      (x.data + k * per).update(from: noisy[k].data, count: per)
      (n.data + k * per).update(from: noise[k].data, count: per)
    }
    return (x, ts.flatMap { $0 }, labels.flatMap { $0 }, n)
  }

  /// Bucket k's unweighted ε-MSE at the current weights (leaves the forward state for a backward).
  private func loss(_ model: any DenoisingNetwork, _ k: Int) -> Double {
    model.forward(noisy[k], t: ts[k], y: labels[k], out: pred)
    return Double(MSELossOp.forward(pred: pred.data, target: noise[k].data, batch: perBucket,
                                    perSampleCount: pred.count / perBucket, perSample: perSample.data))
  }
}
