import DTREngine
import Foundation

/// This machine's measured ceilings, the yardstick of every "% of ceiling" that `dtr doctor` and
/// `dtr bench` print: a large square sgemm split over all engine workers (what the engine's GEMMs can
/// reach at best) and a stream triad (memory bandwidth). Nominal peaks (cores × GHz × flops/cycle) mislead
/// on CPUs that run AVX-512 as two halves (AMD Zen 4 reaches about 200 GFLOP/s on 2 threads where the
/// nominal figure says 332), so nothing here is computed from the datasheet.
///
/// Measured once per machine (CPU model, workers, BLAS kernel) in under a second and cached in
/// `~/.cache/dtr/ceiling-<key>.json`; `--remeasure` measures again. A ceiling measured while other work
/// shared the CPU is too low, so a cached value only ever rises: any later sgemm measurement above it
/// (``raise(to:)``) replaces it.
struct MachineCeiling: Codable {
  /// sgemm GFLOP/s at 1536³ on all workers (best of 3).
  var sgemmGFLOPs: Double
  /// Stream triad GB/s on 3 × 64 MiB arrays (best of 3).
  var triadGBs: Double
  /// The CPU model, workers and BLAS kernel it was measured with.
  var cpu: String, workers: Int, blasCore: String
  /// When it was measured (ISO 8601).
  var measured: String

  /// The cached ceiling of this machine, measuring it when missing or when `remeasure`.
  static func current(remeasure: Bool = false) -> MachineCeiling {
    let cpu = CPUFeatures.current().modelName, core = BLASRuntime.shared.coreName, workers = Parallel.workers
    let key = "\(cpu)-\(workers)-\(core)".unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "_" }.joined()
    let directory = (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/dtr"
    let path = directory + "/ceiling-\(key).json"
    if !remeasure, let data = FileManager.default.contents(atPath: path),
      var cached = try? JSONDecoder().decode(MachineCeiling.self, from: data) {
      cached.path = path
      return cached
    }
    let ceiling = MachineCeiling(sgemmGFLOPs: SgemmProbe.measure(m: 1536, n: 1536, k: 1536, repeats: 3),
                                 triadGBs: triad(), cpu: cpu, workers: workers, blasCore: core,
                                 measured: ISO8601DateFormatter().string(from: Date()), path: path)
    ceiling.save()
    return ceiling
  }

  /// Where it is cached (not stored in the file).
  private var path: String?

  enum CodingKeys: String, CodingKey { case sgemmGFLOPs, triadGBs, cpu, workers, blasCore, measured }

  private func save() {
    guard let path, let data = try? JSONEncoder().encode(self) else { return }
    try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
  }

  /// Raises the ceiling to an sgemm rate just observed above it (and caches that).
  mutating func raise(to gflops: Double) {
    guard gflops > sgemmGFLOPs else { return }
    sgemmGFLOPs = gflops
    measured = ISO8601DateFormatter().string(from: Date())
    save()
  }

  /// Best-of-3 stream triad `a = b + s·c` over all workers, in GB/s.
  static func triad() -> Double {
    let n = 1 << 24
    let a = Tensor([n]), b = Tensor([n]), c = Tensor([n])
    for i in 0..<n { b[i] = 1; c[i] = 2 }
    var best = Double.infinity
    for _ in 0..<3 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      let ap = a.data, bp = b.data, cp = c.data
      Parallel.forRange(n, minChunk: 1 << 16) { s, e in
        for i in s..<e { ap[i] = bp[i] + 0.5 * cp[i] }
      }
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return Double(3 * n * 4) / best / 1e9
  }

  /// `cpu: sgemm X GFLOP/s, triad Y GB/s (measured …)`.
  var summary: String {
    String(format: "%@, %d workers, %@: sgemm 1536³ %.0f GFLOP/s, triad %.1f GB/s (measured %@)", cpu, workers, blasCore,
           sgemmGFLOPs, triadGBs, measured)
  }
}
