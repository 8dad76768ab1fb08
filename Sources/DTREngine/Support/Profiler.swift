import Dispatch

/// Wall-clock accounting of where a training step goes, by op category (`dtr bench train --profile`).
///
/// Off by default: each instrumented op then pays one predictable branch. Ops record exclusive time
/// (an op's time is charged to its own category only), and only the thread that enabled profiling
/// records, so the worker threads of parallel loops are not double counted.
public enum Profiler {
  /// Op categories.
  public enum Category: String, CaseIterable, Sendable {
    case gemm, attention, norms, elementwise, optimizer, data
  }

  nonisolated(unsafe) public static var enabled = false
  nonisolated(unsafe) private static var totals = [UInt64](repeating: 0, count: Category.allCases.count)
  nonisolated(unsafe) private static var depth = 0

  /// Runs `body`, charging its time to `category` when profiling is on and no enclosing op is timing.
  @inline(__always)
  public static func time<T>(_ category: Category, _ body: () -> T) -> T {
    guard enabled, depth == 0 else { return body() }
    depth += 1
    let t0 = DispatchTime.now().uptimeNanoseconds
    let r = body()
    totals[Category.allCases.firstIndex(of: category)!] += DispatchTime.now().uptimeNanoseconds - t0
    depth -= 1
    return r
  }

  /// Seconds per category since the last reset.
  public static var seconds: [Category: Double] {
    var out: [Category: Double] = [:]
    for (i, c) in Category.allCases.enumerated() { out[c] = Double(totals[i]) / 1e9 }
    return out
  }

  /// Clears the totals.
  public static func reset() { totals = totals.map { _ in 0 } }
}
