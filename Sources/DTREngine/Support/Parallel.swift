import Dispatch
import Foundation

/// Splits loops over the machine's cores.
///
/// Elementwise and normalisation kernels (and ``parallelSgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``)
/// call ``Parallel/forRange(_:minChunk:_:)`` with the number of independent work items (rows, elements);
/// it runs inline when the work is small and otherwise splits it into one contiguous chunk per worker,
/// run by the spinning ``WorkerPool``.
public enum Parallel {
  /// Number of workers for the engine's own kernels and its GEMM splits.
  nonisolated(unsafe) public static var workers: Int = max(1, min(ProcessInfoCores.count, 8))

  /// Helper threads for regions of up to `workers` parts (started on first use).
  static let pool = WorkerPool(width: workers)

  /// Calls `body(start, end)` over disjoint chunks covering `0..<count`, in parallel when
  /// `count >= 2 * minChunk`.
  @inline(__always)
  public static func forRange(_ count: Int, minChunk: Int = 4096, _ body: (Int, Int) -> Void) {
    let w = min(workers, count / max(minChunk, 1))
    if w <= 1 {
      body(0, count)
      return
    }
    let chunk = (count + w - 1) / w
    func part(_ i: Int) {
      let s = i * chunk
      let e = min(count, s + chunk)
      if s < e { body(s, e) }
    }
    // The spinning pool; GCD when the pool is already running a region (nested or another thread's).
    if w <= pool.width, pool.run(part) { return }
    DispatchQueue.concurrentPerform(iterations: w, execute: part)
  }
}

/// The number of CPU cores available to the process.
enum ProcessInfoCores {
  /// The CPUs this process may run on (its affinity mask, e.g. under `taskset` or a container's cpuset),
  /// else the online CPUs.
  static let count: Int = {
    #if canImport(Glibc)
    // `Cpus_allowed:\t3` (a hex mask, comma-grouped on large machines) in /proc/self/status.
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
      let allowed = line.dropFirst("Cpus_allowed:".count).reduce(0) { n, ch in
        n + (ch.hexDigitValue?.nonzeroBitCount ?? 0)
      }
      if allowed > 0 { return allowed }
    }
    return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
    return 2
    #endif
  }()
}

#if canImport(Glibc)
import Glibc
#endif
