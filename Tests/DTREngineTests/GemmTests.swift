import DTREngine
import Foundation
import XCTest

final class GemmTests: XCTestCase {
  func testBLASLoadsAndVerifies() {
    XCTAssertTrue(BLASRuntime.shared.verified, "kernel \(BLASRuntime.shared.coreName) failed verification")
    XCTAssertNotEqual(BLASRuntime.shared.coreName, "unknown")
  }

  /// `sgemm` and the engine-split `parallelSgemm` (big enough to split by rows, 300×37×64, and by columns,
  /// 20×700×40), every transpose combination, padded leading dimensions, against a float64 loop.
  func testEveryTransposeCombinationMatchesNaiveLoop() {
    typealias Gemm = (Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, Float,
                      UnsafeMutablePointer<Float>, Int) -> Void
    let gemms: [(String, Gemm)] = [
      ("sgemm", { sgemm(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8, ldb: $9,
                        beta: $10, c: $11, ldc: $12) }),
      ("parallelSgemm", { parallelSgemm(transA: $0, transB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7, b: $8,
                                        ldb: $9, beta: $10, c: $11, ldc: $12) }),
    ]
    var rng = SplitMix64(seed: 7)
    for (name, gemm) in gemms {
      for (m, n, k) in [(7, 13, 5), (50, 33, 129), (1, 64, 3), (300, 37, 64), (20, 700, 40)] {
        for ta in [false, true] {
          for tb in [false, true] {
            let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1
            let a = (0..<((ta ? k : m) * lda)).map { _ in rng.nextFloat() - 0.5 }
            let b = (0..<((tb ? n : k) * ldb)).map { _ in rng.nextFloat() - 0.5 }
            let c0 = (0..<(m * ldc)).map { _ in rng.nextFloat() - 0.5 }
            var c = c0
            c.withUnsafeMutableBufferPointer { gemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, 0.3, $0.baseAddress!, ldc) }
            var worst = 0.0
            for i in 0..<m {
              for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                  sum += Double(ta ? a[p * lda + i] : a[i * lda + p]) * Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                }
                worst = max(worst, abs(Double(c[i * ldc + j]) - (0.7 * sum + 0.3 * Double(c0[i * ldc + j]))))
              }
              XCTAssertEqual(c[i * ldc + n], c0[i * ldc + n], "\(name) wrote outside C's columns")
            }
            XCTAssertLessThan(worst, 1e-4, "\(name) m\(m) n\(n) k\(k) ta\(ta) tb\(tb)")
          }
        }
      }
    }
  }
}

/// The worker pool behind `Parallel.forRange`: every chunk runs exactly once, also for regions started
/// inside a region or from several threads at once.
final class ParallelTests: XCTestCase {
  func testEveryChunkRunsOnceUnderNestingAndConcurrentCallers() {
    let n = 10_000, slices = 7
    let counts = UnsafeMutablePointer<Int32>.allocate(capacity: slices * n)
    counts.initialize(repeating: 0, count: slices * n)
    defer { counts.deallocate() }
    // Slice 0: 2000 back-to-back regions on the pool.
    for _ in 0..<2000 {
      Parallel.forRange(n, minChunk: 64) { s, e in for i in s..<e { counts[i] += 1 } }
    }
    // Slices 1–4: regions nested in a region (the inner ones cannot use the busy pool).
    Parallel.forRange(4, minChunk: 1) { s, e in
      for outer in s..<e {
        let slice = counts + (1 + outer) * n
        Parallel.forRange(n, minChunk: 64) { a, b in for i in a..<b { slice[i] += 1 } }
      }
    }
    // Slices 5–6: two threads starting 500 regions each at the same time.
    DispatchQueue.concurrentPerform(iterations: 2) { t in
      let slice = counts + (5 + t) * n
      for _ in 0..<500 {
        Parallel.forRange(n, minChunk: 64) { a, b in for i in a..<b { slice[i] += 1 } }
      }
    }
    let expected: [Int32] = [2000, 1, 1, 1, 1, 500, 500]
    for (k, want) in expected.enumerated() {
      XCTAssertTrue((0..<n).allSatisfy { counts[k * n + $0] == want }, "slice \(k)")
    }
  }
}
