import ArgumentParser
import DTRData
import DTRDiffusion
import DTREngine
import DTREvaluation
import DTRMetrics
import DTRTraining
import Foundation

/// `dtr bench fid-vs-steps`: the FID probe of one checkpoint for every sampler family × number of model
/// calls, as a markdown table (FID, KID and the probe's seconds), all from the probe's fixed noises.
struct BenchFIDSteps: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fid-vs-steps",
    abstract: "FID-2k (the training probe) of a checkpoint against the number of model calls, per sampler.")

  @OptionGroup var source: CheckpointOptions
  @Option(help: "Sampler families, comma-separated: ddim, ddpm, dpmpp2m.") var samplers = "ddim,dpmpp2m"
  @Option(help: "Model calls per image, comma-separated.") var steps = "10,15,20,25,50"
  @Option(help: "Samples per measurement; 2000 is the probe's FID-2k.") var n = FIDProbe.defaultSamples
  @Option(help: "Guidance scale (default: the checkpoint's).") var cfg: Double?
  @Option(help: "Guidance intervals to compare, comma-separated: all (every call) or LO..HI (only where LO < σ ≤ HI), e.g. all,0.28..5.42.")
  var guidance = "all"
  @Option(help: "Seed of the fixed initial noise; the default is the probe's.") var seed = FIDProbe.defaultSeed
  @Option(help: "Images per model call.") var batch = 100
  @Option(help: "Fashion-MNIST directory.") var dataDir = FashionMNIST.defaultDirectory
  @Flag(help: "One JSON line per measurement.") var json = false

  /// The samplers to measure, in table order (every family at every step count at every guidance interval).
  func plan() throws -> [Sampler] {
    let kinds = try samplers.split(separator: ",").map { name -> Sampler.Kind in
      guard let k = Sampler.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--samplers \(samplers): '\(name)' is not one of \(Sampler.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return k
    }
    let counts = try steps.split(separator: ",").map { s -> Int in
      guard let v = Int(s.trimmingCharacters(in: .whitespaces)), (1...1000).contains(v) else {
        throw ValidationError("--steps \(steps): write model-call counts in 1…1000, e.g. 10,15,20,25,50")
      }
      return v
    }
    let intervals = try guidance.split(separator: ",").map { s -> GuidanceInterval in
      let t = s.trimmingCharacters(in: .whitespaces)
      if t == "all" { return .always }
      guard let g = GuidanceInterval(parsing: t) else {
        throw ValidationError("--guidance \(guidance): '\(t)' is neither all nor LO..HI with 0 ≤ LO < HI, e.g. 0.28..5.42")
      }
      return g
    }
    if intervals.isEmpty { throw ValidationError("--guidance: give all, or LO..HI, or a comma-separated list of them") }
    return kinds.flatMap { k in counts.flatMap { c in intervals.map { Sampler(k, steps: c, guidance: $0) } } }
  }

  func validate() throws {
    _ = try plan()
    if n < 10 { throw ValidationError("--n must be ≥ 10") }
    if batch < 1 { throw ValidationError("--batch must be ≥ 1") }
    if let cfg, !(cfg >= 0) || !cfg.isFinite { throw ValidationError("--cfg must be ≥ 0") }
  }

  func run() throws {
    let evaluator = try Evaluator.load()
    let (config, model) = try source.load()
    let schedule = NoiseSchedule(config.schedule, T: config.model.timesteps)
    let scale = cfg ?? config.cfgScale
    let out = BenchOutput(json: json)
    let fidName = MetricSuite.fidName(samples: n)
    if !json {
      let conditioning = config.model.conditional ? "cfg \(scale)" : "unconditional"
      print("\(source.checkpoint) (\(source.weights)), \(n) samples, \(conditioning), seed \(seed), batch \(batch), \(model.precision)")
      print("CPU: \(CPUFeatures.current().modelName), \(Parallel.workers) workers\n")
      print("| sampler | model calls | forward passes per image | \(fidName) | KID | seconds (sampling + features + metrics) |")
      print("|---|---|---|---|---|---|")
    }
    for sampler in try plan() {
      let probe = try FIDProbe(evaluator: evaluator, dataDirectory: dataDir, samples: n, sampler: sampler,
                               cfgScale: scale, seed: seed, batch: batch)
      var phaseStart: [FIDProbe.Phase: Date] = [:]
      let started = Date()
      let r = try probe.measure(model: model, schedule: schedule, progress: { _, _, phase in
        if phaseStart[phase] == nil { phaseStart[phase] = Date() }
      })
      let passes = sampler.steps + (config.model.conditional && scale != 1 ? sampler.guidedCalls(schedule) : 0)
      let sampling = (phaseStart[.features] ?? started).timeIntervalSince(started)
      let features = (phaseStart[.metrics] ?? started).timeIntervalSince(phaseStart[.features] ?? started)
      out.emit(["sampler": sampler.description, "calls": sampler.steps, "forward_passes": passes, "fid": r.fid, "kid": r.kid, "kid_std": r.kidStd,
                "seconds": r.seconds, "sampling_seconds": sampling, "feature_seconds": features,
                "metric_seconds": r.seconds - sampling - features, "samples": n, "cfg": scale,
                "precision": model.precision.rawValue],
               row: String(format: "| %@ | %d | %d | %.2f | %.2f ± %.2f | %.1f (%.1f + %.1f + %.1f) |", sampler.description,
                           sampler.steps, passes, r.fid, r.kid, r.kidStd, r.seconds, sampling, features,
                           r.seconds - sampling - features))
    }
  }
}
