import DTRDiffusion
import DTREngine
import DTRModels

/// Class-conditional sample grids: row r holds class r (or unconditional draws), from fixed noise.
public enum SampleGrid {
  /// Samples `rows × cols` images with `model`; returns `[rows·cols, 1, 28, 28]` in [−1, 1], or nil when
  /// `isCancelled` answered true before a sampling step.
  public static func generate(
    model: any DenoisingNetwork, schedule: NoiseSchedule, sampler: Sampler, rows: Int, cols: Int, cfgScale: Double, seed: UInt64,
    labels explicit: [Int]? = nil, progress: ((Int, Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
  ) -> Tensor? {
    let c = model.config
    let n = rows * cols
    let labels = explicit ?? (0..<n).map { c.conditional ? ($0 / cols) % c.numClasses : 0 }
    let x = Tensor([n, c.inChannels, c.inputSize, c.inputSize])
    var rng = SplitMix64(seed: seed)
    rng.fillNormal(x.data, count: x.count)
    let finished = sampler.sample(
      model: { x, t, y, out in model.forward(x, t: t, y: y, out: out) }, schedule: schedule, x: x, labels: labels,
      cfgScale: c.conditional ? cfgScale : 1, nullClass: c.nullClass, rng: &rng, progress: progress,
      isCancelled: isCancelled)
    return finished ? x : nil
  }
}
