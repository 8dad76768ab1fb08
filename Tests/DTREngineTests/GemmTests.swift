import DTREngine
import XCTest

final class GemmTests: XCTestCase {
  func testBLASLoadsAndVerifies() {
    XCTAssertTrue(BLASRuntime.shared.verified, "kernel \(BLASRuntime.shared.coreName) failed verification")
    XCTAssertNotEqual(BLASRuntime.shared.coreName, "unknown")
  }

  func testEveryTransposeCombinationMatchesNaiveLoop() {
    var rng = SplitMix64(seed: 7)
    for (m, n, k) in [(7, 13, 5), (50, 33, 129), (1, 64, 3)] {
      for ta in [false, true] {
        for tb in [false, true] {
          let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
          let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
          let c0 = (0..<(m * n)).map { _ in rng.nextFloat() - 0.5 }
          var c = c0
          let lda = ta ? m : k, ldb = tb ? k : n
          sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda, b: b, ldb: ldb,
                beta: 0.3, c: &c, ldc: n)
          for i in 0..<m {
            for j in 0..<n {
              var s: Double = 0
              for p in 0..<k {
                s += Double(ta ? a[p * lda + i] : a[i * lda + p]) * Double(tb ? b[j * ldb + p] : b[p * ldb + j])
              }
              let ref = 0.7 * s + 0.3 * Double(c0[i * n + j])
              XCTAssertEqual(Double(c[i * n + j]), ref, accuracy: 1e-4, "m\(m) n\(n) k\(k) ta\(ta) tb\(tb)")
            }
          }
        }
      }
    }
  }
}
