import ArgumentParser
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRModels
import DTRTraining
import Foundation

/// `dtr bench train`: timed steps of the real trainer (the `dtr train` code path).
struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Training throughput: img/s, ms/step, achieved GFLOP/s, peak RSS.")

  @OptionGroup var modelOptions: ModelOptions
  @Option(help: "Images per step.") var batch = 128
  @Option(help: "Timed steps (after 2 warm-up steps).") var steps = 10
  @Option(help: "Fashion-MNIST directory.") var dataDir = "/usr/share/datasets/fashion-mnist"
  @Flag(help: "Break a step down into GEMM / attention / norms / elementwise / optimizer / data time.") var profile = false
  @Flag(help: "One JSON object.") var json = false

  func run() throws {
    var cfg = TrainConfig()
    cfg.preset = modelOptions.presetName
    cfg.model = try modelOptions.config(seed: 0)
    cfg.precision = try PrecisionFlag.check(modelOptions.precision, for: cfg.model)
    cfg.batch = batch
    cfg.steps = steps + 2
    cfg.sampleEveryEpochs = 0
    let dir = NSTemporaryDirectory() + "dtr-bench-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try FashionMNISTBatches(directory: dataDir, batch: batch, seed: 0, hflip: false)
    let trainer = try Trainer(config: cfg, runDirectory: dir, data: data)
    trainer.trainStep()
    trainer.trainStep()
    Profiler.reset()
    Profiler.enabled = profile
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<steps { trainer.trainStep() }
    let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    Profiler.enabled = false
    let msPerStep = secs / Double(steps) * 1e3
    let imgPerS = Double(batch * steps) / secs
    let gflops = 3 * cfg.model.forwardFLOPsPerImage * imgPerS / 1e9
    let ceiling = MachineCeiling.current()
    let peak = ceiling.sgemmGFLOPs
    let rss = peakRSSMiB()
    let c = cfg.model
    let name = "\(cfg.preset) \(c.shapeDescription) routing=\(c.routing.rawValue) \(cfg.precision.rawValue)"
    var obj: [String: Any] = [
      "config": name, "batch": batch, "steps": steps, "img_per_s": imgPerS, "ms_per_step": msPerStep,
      "gflops": gflops, "ceiling_share": gflops / peak, "ceiling_sgemm_gflops": peak, "cpu": ceiling.cpu, "peak_rss_mib": rss,
      "blas_core": BLASRuntime.shared.coreName, "threads": Parallel.workers,
      "engine_splits_gemms": BLASRuntime.shared.engineSplitsGEMMs, "params": trainer.model.parameters.trainableCount,
      "precision": cfg.precision.rawValue,
    ]
    let parts = Profiler.seconds
    if profile {
      var p: [String: Double] = [:]
      for (k, v) in parts { p[k.rawValue] = v / Double(steps) * 1e3 }
      p["other"] = msPerStep - p.values.reduce(0, +)
      obj["profile_ms_per_step"] = p
    }
    if json {
      let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
      print(String(decoding: d, as: UTF8.self))
      return
    }
    print("\(name), batch \(batch), \(steps) steps, kernel \(BLASRuntime.shared.coreName)")
    // bf16 operands run on vdpbf16ps, which does twice an fp32 FMA's work: the fp32 ceiling can be exceeded.
    let ceilingName = cfg.precision == .fp32 ? "measured" : "measured fp32"
    print(String(format: "  %.1f img/s   %.1f ms/step   %.1f GFLOP/s (%.0f%% of this machine's %@ %.0f)   peak RSS %.0f MiB",
                 imgPerS, msPerStep, gflops, 100 * gflops / peak, ceilingName, peak, rss))
    print("  ceiling: " + ceiling.summary)
    if c.arch == .unet && cfg.precision == .fp32 {
      print("  (FLOPs counted as direct convolution; where oneDNN picks Winograd it multiplies less, so the share can pass 100%)")
    }
    if profile {
      for cat in Profiler.Category.allCases {
        let ms = (parts[cat] ?? 0) / Double(steps) * 1e3
        print("  " + cat.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "%8.1f ms/step  %5.1f%%", ms, 100 * ms / msPerStep))
      }
      let other = msPerStep - parts.values.reduce(0, +) / Double(steps) * 1e3
      print("  other       " + String(format: "%8.1f ms/step  %5.1f%%", other, 100 * other / msPerStep))
    }
  }
}

/// `dtr bench sample`: sampling throughput of a freshly initialised model (speed does not depend on weights).
struct BenchSample: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "sample", abstract: "Sampling throughput (img/s).")

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var sampling: SamplerOptions
  @Option(help: "Images.") var n = 256
  @Flag(help: "One JSON object.") var json = false

  func run() throws {
    // DDIM-50 unless told otherwise: the sampler PyTorch's twin runs in scripts/bench-vs-pytorch.
    let sampler = sampling.parsed(default: Sampler(.ddim, steps: 50)), cfg = sampling.cfg
    let mc = try modelOptions.config(seed: 0)
    let net = mc.build(seed: 0)
    net.precision = try PrecisionFlag.check(modelOptions.precision, for: mc)
    var rng = SplitMix64(seed: 1)
    for p in net.parameters.trainable { rng.fillNormal(p.value.data, count: p.value.count, std: 0.02) }
    // All n images in one batch, as the throughput figures have always been measured.
    let generator = SampleGenerator(sampler: sampler, cfgScale: cfg, seed: 1, batch: n)
    let t0 = DispatchTime.now().uptimeNanoseconds
    _ = try generator.generate(model: net, schedule: NoiseSchedule(.linear, T: mc.timesteps), count: n)
    let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    let obj: [String: Any] = ["img_per_s": Double(n) / secs, "seconds": secs, "n": n, "sampler": sampler.description, "cfg": cfg,
                              "peak_rss_mib": peakRSSMiB(), "precision": net.precision.rawValue]
    if json {
      print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
    } else {
      print(String(format: "%@ cfg %.1f %@: %d images in %.1f s = %.2f img/s, peak RSS %.0f MiB", sampler.description, cfg,
                   net.precision.rawValue, n, secs, Double(n) / secs, peakRSSMiB()))
    }
  }
}
