import DTREngine
import XCTest

final class SymmetricEigenTests: XCTestCase {
  /// A random symmetric n×n matrix (B + Bᵀ)/2.
  private func randomSymmetric(_ n: Int, seed: UInt64) -> [Double] {
    let b = randomTensor([n, n], seed: seed).toArray().map(Double.init)
    var a = b
    for i in 0..<n {
      for j in 0..<n { a[i * n + j] = 0.5 * (b[i * n + j] + b[j * n + i]) }
    }
    return a
  }

  func testD256DecompositionIsOrthonormalAndReconstructs() throws {
    let n = 256
    let a = randomSymmetric(n, seed: 11)
    let eig = try SymmetricEigen(symmetric: a, dimension: n, computeVectors: true)
    XCTAssertEqual(eig.values.count, n)
    XCTAssertEqual(eig.vectors.count, n * n)
    XCTAssertTrue(zip(eig.values, eig.values.dropFirst()).allSatisfy { $0 <= $1 }, "eigenvalues not ascending")
    let v = eig.vectors
    // E·Eᵀ = I (rows are eigenvectors).
    var gram = [Double](repeating: 0, count: n * n)
    dgemm(transA: false, transB: true, m: n, n: n, k: n, a: v, lda: n, b: v, ldb: n, c: &gram, ldc: n)
    var orthoError = 0.0
    for i in 0..<n {
      for j in 0..<n { orthoError = max(orthoError, abs(gram[i * n + j] - (i == j ? 1 : 0))) }
    }
    XCTAssertLessThan(orthoError, 1e-12)
    // A·vᵢ = λᵢ·vᵢ for every i: (E·A)ᵢ = λᵢ Eᵢ since A is symmetric.
    var ea = [Double](repeating: 0, count: n * n)
    dgemm(transA: false, transB: false, m: n, n: n, k: n, a: v, lda: n, b: a, ldb: n, c: &ea, ldc: n)
    var residual = 0.0
    for i in 0..<n {
      for j in 0..<n { residual = max(residual, abs(ea[i * n + j] - eig.values[i] * v[i * n + j])) }
    }
    XCTAssertLessThan(residual, 1e-11)
    let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
    XCTAssertEqual(eig.values.reduce(0, +), trace, accuracy: 1e-10)
  }

  func testD256KnownSpectrumIsRecoveredWithAndWithoutVectors() throws {
    let n = 256
    // Q from the eigenvectors of a random symmetric matrix, spectrum λᵢ = (i − 40)/7 (some negative).
    let q = try SymmetricEigen(symmetric: randomSymmetric(n, seed: 5), dimension: n, computeVectors: true).vectors
    let spectrum = (0..<n).map { (Double($0) - 40) / 7 }
    var scaled = q
    for i in 0..<n {
      for j in 0..<n { scaled[i * n + j] *= spectrum[i] }
    }
    var a = [Double](repeating: 0, count: n * n)
    dgemm(transA: true, transB: false, m: n, n: n, k: n, a: q, lda: n, b: scaled, ldb: n, c: &a, ldc: n)
    for i in 0..<n {
      for j in (i + 1)..<n {
        let s = 0.5 * (a[i * n + j] + a[j * n + i])
        a[i * n + j] = s
        a[j * n + i] = s
      }
    }
    let valuesOnly = try SymmetricEigen(symmetric: a, dimension: n, computeVectors: false)
    let full = try SymmetricEigen(symmetric: a, dimension: n, computeVectors: true)
    XCTAssertTrue(valuesOnly.vectors.isEmpty)
    for i in 0..<n {
      XCTAssertEqual(valuesOnly.values[i], spectrum[i], accuracy: 1e-11)
      XCTAssertEqual(full.values[i], spectrum[i], accuracy: 1e-11)
    }
  }

  func testNonFiniteInputThrowsOrIsReported() {
    // LAPACK may either reject NaN input (info ≠ 0 → a thrown error) or return NaN eigenvalues; it must
    // never crash or report finite garbage.
    let a: [Double] = [1, .nan, .nan, 1]
    if let eig = try? SymmetricEigen(symmetric: a, dimension: 2, computeVectors: true) {
      XCTAssertTrue(eig.values.contains { $0.isNaN })
    }
  }
}
