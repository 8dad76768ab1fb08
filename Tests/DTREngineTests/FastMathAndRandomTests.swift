import DTREngine
import Foundation
import XCTest

/// The polynomial transcendental functions against libm, and the Gaussian generator's distribution.
final class FastMathAndRandomTests: XCTestCase {
  func testExpTanhLogAndSinCosAgreeWithLibm() {
    for i in 0...2000 {
      let x = Float(i) / 2000 * 170 - 86
      XCTAssertEqual(Double(FastMath.exp(x)), Foundation.exp(Double(x)), accuracy: 3e-7 * Foundation.exp(Double(x)), "exp \(x)")
      let y = Float(i) / 2000 * 12 - 6
      XCTAssertEqual(Double(FastMath.tanh(y)), Foundation.tanh(Double(y)), accuracy: 1e-4, "tanh \(y)")
      let u = Float(i + 1) / 2001
      for v in [u, u * 1e-6, 1 - u * 1e-3] {
        XCTAssertEqual(Double(FastMath.log(v)), Foundation.log(Double(v)),
                       accuracy: 3e-7 * max(1, abs(Foundation.log(Double(v)))), "log \(v)")
      }
      let phi = Float(i) / 2000 * Float.pi / 2
      let (c, s) = FastMath.quarterSinCos(phi)
      XCTAssertEqual(Double(c), Foundation.cos(Double(phi)), accuracy: 2e-7, "cos \(phi)")
      XCTAssertEqual(Double(s), Foundation.sin(Double(phi)), accuracy: 2e-7, "sin \(phi)")
    }
  }

  /// Moments up to the fourth, the CDF at several points, the pairs' independence, odd counts and the
  /// generator's continuation: two fills equal one fill of the combined (even) length.
  func testFillNormalIsStandardNormal() {
    let n = 1 << 20
    var rng = SplitMix64(seed: 7)
    var x = [Float](repeating: 0, count: n)
    x.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, count: n) }
    let mean = x.reduce(0.0) { $0 + Double($1) } / Double(n)
    let m2 = x.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(n)
    let m3 = x.reduce(0.0) { $0 + pow(Double($1) - mean, 3) } / Double(n)
    let m4 = x.reduce(0.0) { $0 + pow(Double($1) - mean, 4) } / Double(n)
    XCTAssertEqual(mean, 0, accuracy: 5 / Double(n).squareRoot())
    XCTAssertEqual(m2, 1, accuracy: 0.006)
    XCTAssertEqual(m3, 0, accuracy: 0.015)
    XCTAssertEqual(m4, 3, accuracy: 0.04)
    for z in [-2.0, -1.0, -0.3, 0.0, 0.5, 1.5, 2.5] {
      let cdf = Double(x.filter { Double($0) <= z }.count) / Double(n)
      XCTAssertEqual(cdf, 0.5 * erfc(-z / 2.0.squareRoot()), accuracy: 0.002, "CDF at \(z)")
    }
    // The two members of a pair are uncorrelated, and so are the squares (Box–Muller independence).
    var xy = 0.0, sq = 0.0
    for i in stride(from: 0, to: n, by: 2) {
      xy += Double(x[i] * x[i + 1])
      sq += Double((x[i] * x[i] - 1) * (x[i + 1] * x[i + 1] - 1))
    }
    XCTAssertEqual(xy / Double(n / 2), 0, accuracy: 0.01)
    XCTAssertEqual(sq / Double(n / 2), 0, accuracy: 0.03)
    XCTAssertLessThan(x.map(abs).max()!, 5.8)

    var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
    var one = [Float](repeating: 0, count: 10), two = [Float](repeating: 0, count: 10)
    one.withUnsafeMutableBufferPointer { a.fillNormal($0.baseAddress!, count: 10, mean: 2, std: 3) }
    two.withUnsafeMutableBufferPointer {
      b.fillNormal($0.baseAddress!, count: 4, mean: 2, std: 3)
      b.fillNormal($0.baseAddress! + 4, count: 6, mean: 2, std: 3)
    }
    XCTAssertEqual(one, two)
    XCTAssertEqual(a.state, b.state)
    var odd = [Float](repeating: .nan, count: 7)
    odd.withUnsafeMutableBufferPointer { a.fillNormal($0.baseAddress!, count: 7) }
    XCTAssertTrue(odd.allSatisfy(\.isFinite))
  }
}
