import Foundation
import Synchronization

/// Persistent helper threads that run the parts of a parallel region, woken by a generation counter
/// they spin on briefly before sleeping.
///
/// A training step of a small model is a few hundred short parallel regions (each elementwise pass and
/// each GEMM split over the cores). Waking a thread through the kernel for each costs several
/// microseconds; a helper still spinning from the previous region starts within nanoseconds. Helpers
/// spin for about ``spinIterations`` loads after their last job, then sleep on a condition variable, so
/// an idle process uses no CPU. Only one region runs on the pool at a time: a region started while
/// another is running (from another thread, or nested inside a part) runs inline on its caller.
final class WorkerPool: @unchecked Sendable {
  /// Parts per region: the caller plus the helpers.
  let width: Int
  private let generation = Atomic<Int>(0)
  private let unfinished = Atomic<Int>(0)
  private let busy = Atomic<Bool>(false)
  private let sleepers = Atomic<Int>(0)
  private let wake = NSCondition()
  private var job: ((Int) -> Void)?
  private static let spinIterations = 200_000

  /// A pool whose regions run `width` parts: the caller's and `width − 1` helpers'.
  init(width: Int) {
    self.width = max(1, width)
    for helper in 1..<self.width {
      let t = Thread { [unowned self] in self.helperLoop(part: helper) }
      t.name = "dtr-worker-\(helper)"
      t.stackSize = 1 << 20
      t.start()
    }
  }

  /// Runs `part(i)` for every i in `0..<width`, the caller taking part 0; returns when all are done.
  /// Returns false (running nothing) when the pool is already running a region.
  func run(_ part: (Int) -> Void) -> Bool {
    guard width > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      return false
    }
    withoutActuallyEscaping(part) { part in
      job = part
      unfinished.store(width - 1, ordering: .relaxed)
      generation.add(1, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        wake.lock()
        wake.broadcast()
        wake.unlock()
      }
      part(0)
      var spins = 0
      while unfinished.load(ordering: .acquiring) > 0 {
        spins += 1
        if spins & 0xFFF == 0 { sched_yield() }
      }
      job = nil
    }
    busy.store(false, ordering: .releasing)
    return true
  }

  private func helperLoop(part: Int) {
    var seen = 0
    while true {
      var spins = 0
      var current = generation.load(ordering: .acquiring)
      while current == seen && spins < Self.spinIterations {
        spins += 1
        current = generation.load(ordering: .acquiring)
      }
      if current == seen {
        wake.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        wake.unlock()
        current = generation.load(ordering: .acquiring)
      }
      seen = current
      job?(part)
      unfinished.subtract(1, ordering: .releasing)
    }
  }
}
