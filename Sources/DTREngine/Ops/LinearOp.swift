/// Fully connected layer `y = x·Wᵀ + b` with PyTorch's `[out, in]` weight layout.
///
/// Forward is one sgemm (NT) plus a bias pass; backward is two sgemms (NN for dx, TN for dW) and a
/// column sum for db. Gradients of parameters accumulate (`+=`); dx is overwritten unless
/// `accumulate` is set.
public enum LinearOp {
  /// `out[rows, outDim] = x[rows, inDim]·Wᵀ + b`.
  public static func forward(
    x: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.gemm) {
      parallelSgemm(transA: false, transB: true, m: rows, n: outDim, k: inDim, a: x, lda: inDim, b: weight, ldb: inDim,
                    c: out, ldc: outDim)
      if let bias { addBias(out, rows: rows, cols: outDim, bias: bias) }
    }
  }

  /// Gradients of ``forward(x:rows:inDim:outDim:weight:bias:out:)``.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int,
    weight: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?
  ) {
    Profiler.time(.gemm) {
      if let dx {
        parallelSgemm(transA: false, transB: false, m: rows, n: inDim, k: outDim, a: dOut, lda: outDim, b: weight, ldb: inDim,
                      beta: accumulate ? 1 : 0, c: dx, ldc: inDim)
      }
      parallelSgemm(transA: true, transB: false, m: outDim, n: inDim, k: rows, a: dOut, lda: outDim, b: x, ldb: inDim,
                    beta: 1, c: dWeight, ldc: inDim)
      if let dBias { columnSums(dOut, rows: rows, cols: outDim, into: dBias) }
    }
  }

  /// `out[r, c] += bias[c]`, parallel over rows.
  public static func addBias(_ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int, bias: UnsafePointer<Float>) {
    Parallel.forRange(rows, minChunk: max(1, 16384 / max(cols, 1))) { s, e in
      for r in s..<e {
        let row = out + r * cols
        for c in 0..<cols { row[c] += bias[c] }
      }
    }
  }

  /// `into[c] += Σ_r x[r, c]`: two partial sums (one per core) added at the end.
  public static func columnSums(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into: UnsafeMutablePointer<Float>) {
    if rows * cols < 1 << 16 {
      Kernels.addColumnSums(x, rows: rows, cols: cols, into: into)
      return
    }
    let parts = 2
    let partial = UnsafeMutablePointer<Float>.allocate(capacity: parts * cols)
    partial.initialize(repeating: 0, count: parts * cols)
    defer { partial.deallocate() }
    let chunk = (rows + parts - 1) / parts
    Parallel.forRange(parts, minChunk: 1) { s, e in
      for p in s..<e {
        let r0 = p * chunk, r1 = min(rows, r0 + chunk)
        if r0 < r1 { Kernels.addColumnSums(x + r0 * cols, rows: r1 - r0, cols: cols, into: partial + p * cols) }
      }
    }
    for p in 0..<parts {
      for c in 0..<cols { into[c] += partial[p * cols + c] }
    }
  }
}
