import ArgumentParser
import DTREngine
import Foundation

/// `dtr doctor`: what BLAS kernel runs, how fast, and whether the dataset is installed.
struct Doctor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Report the BLAS kernel, threads, measured sgemm speed and whether Fashion-MNIST is installed.")

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "Fashion-MNIST directory to check.")
  var dataDir = FashionMNISTLocation.defaultDirectory

  @Flag(help: "Measure the machine's ceilings again instead of using the cached ones.")
  var remeasure = false

  func run() throws {
    let blas = BLASRuntime.shared
    let gflops = SgemmProbe.measure(m: 6272, n: 128, k: 128)
    let data = FashionMNISTLocation.check(directory: dataDir)
    let cpu = CPUFeatures.current()
    var ceiling = MachineCeiling.current(remeasure: remeasure)
    ceiling.raise(to: gflops)
    if json {
      let obj: [String: Any] = [
        "blas_library": blas.libraryPath, "blas_core": blas.coreName, "blas_core_source": blas.coreSource.rawValue,
        "blas_core_automatic": blas.automaticCore, "blas_threads": blas.threads, "engine_splits_gemms": blas.engineSplitsGEMMs,
        "blas_verified": blas.verified, "sgemm_gflops": (gflops * 10).rounded() / 10,
        "sgemm_shape": "6272x128x128", "cpu": cpu.modelName, "engine_workers": Parallel.workers,
        "ceiling_sgemm_gflops": ceiling.sgemmGFLOPs, "ceiling_triad_gb_s": ceiling.triadGBs, "ceiling_measured": ceiling.measured,
        "dataset_found": data.found, "dataset_dir": dataDir,
      ]
      let out = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
      print(String(decoding: out, as: UTF8.self))
      return
    }
    var rows: [(String, String)] = []
    rows.append(("cpu", cpu.modelName))
    rows.append(("blas library", blas.libraryPath))
    var core = "\(blas.coreName) (\(blas.coreSource.rawValue))"
    if blas.coreSource == .user && blas.requestedCore != blas.automaticCore {
      core += " — OPENBLAS_CORETYPE=\(blas.requestedCore) is set; unset it to get \(blas.automaticCore)"
    }
    rows.append(("blas kernel", core))
    rows.append(("blas verified", blas.verified ? "yes (max rel. error \(blas.verificationError))" : "NO"))
    rows.append(("blas threads", blas.engineSplitsGEMMs
      ? "1 per call; the engine splits each GEMM over \(Parallel.workers) worker\(Parallel.workers == 1 ? "" : "s")"
      : "\(blas.threads) (OPENBLAS_NUM_THREADS)"))
    rows.append(("sgemm 6272×128×128", String(format: "%.1f GFLOP/s (%.0f%% of this machine's ceiling)", gflops,
                                                100 * gflops / ceiling.sgemmGFLOPs)))
    rows.append(("measured ceiling", String(format: "sgemm 1536³ %.0f GFLOP/s on %d workers, triad %.1f GB/s (%@; --remeasure)",
                                            ceiling.sgemmGFLOPs, ceiling.workers, ceiling.triadGBs, ceiling.measured)))
    rows.append(("fashion-mnist", data.found ? "found in \(dataDir)" : "MISSING: \(data.problem)"))
    let w = rows.map(\.0.count).max() ?? 0
    for (k, v) in rows { print(k.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + v) }
  }
}

/// Times sgemm at one shape.
enum SgemmProbe {
  /// Best-of-several GFLOP/s of `C[m,n] = A[m,k]·B[k,n]`.
  static func measure(m: Int, n: Int, k: Int, repeats: Int = 10) -> Double {
    let a = Tensor([m, k]), b = Tensor([k, n]), c = Tensor([m, n])
    var rng = SplitMix64(seed: 1)
    rng.fillNormal(a.data, count: a.count)
    rng.fillNormal(b.data, count: b.count)
    var best = Double.infinity
    for _ in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      parallelSgemm(transA: false, transB: false, m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: c.data, ldc: n)
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return 2 * Double(m * n * k) / best / 1e9
  }
}

/// Where Fashion-MNIST lives and whether its files are present.
enum FashionMNISTLocation {
  static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
  static let files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

  static func check(directory: String) -> (found: Bool, problem: String) {
    for f in files {
      let fm = FileManager.default
      if !fm.fileExists(atPath: "\(directory)/\(f).gz") && !fm.fileExists(atPath: "\(directory)/\(f)") {
        return (false, "\(directory)/\(f)[.gz] not found; fix: apt-get install dataset-fashion-mnist")
      }
    }
    return (true, "")
  }
}
