/// Multi-head attention `softmax(Q·Kᵀ/√d + mask)·V` with separate query and key/value sequences and a
/// key-padding mask: the core of a text encoder's self-attention (queries, keys and values from one
/// fused projection) and of cross-attention from image tokens to text tokens (PixArt-α).
///
/// Q is `[N, Lq]` rows of stride `ldq`, K and V `[N, Lk]` rows of stride `ldkv`; head h owns columns
/// `h·d ..< (h+1)·d` of each (timm's layout). `keyValid` (`[N, Lk]`, 1 = attend, 0 = padding) removes
/// padded keys exactly: their probabilities are 0, so they receive no gradient. Every sample needs at
/// least one valid key. The probabilities `[N, H, Lq, Lk]` are kept for backward (text sequences are short).
public enum MaskedAttentionOp {
  /// Scratch floats that ``backward`` needs.
  public static func scratchCount(queries: Int, keys: Int) -> Int { Parallel.workers * queries * keys }

  /// Forward: writes `out` (`[N, Lq, D]`, heads concatenated) and the probabilities `probs`.
  public static func forward(
    q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldkv: Int,
    keyValid: UnsafePointer<Float>?, batch: Int, queries Lq: Int, keys Lk: Int, dim D: Int, heads: Int,
    probs: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let dh = D / heads, scale = 1 / Float(dh).squareRoot()
      AttentionOp.forEachHead(batch: batch, heads: heads) { _, n, h, item in
        let p = probs + item * Lq * Lk
        let qn = q + n * Lq * ldq + h * dh, kn = k + n * Lk * ldkv + h * dh, vn = v + n * Lk * ldkv + h * dh
        sgemm(transA: false, transB: true, m: Lq, n: Lk, k: dh, a: qn, lda: ldq, b: kn, ldb: ldkv, c: p, ldc: Lk)
        let valid = keyValid.map { $0 + n * Lk }
        for r in 0..<Lq { softmaxRow(p + r * Lk, Lk, scale: scale, valid: valid) }
        sgemm(transA: false, transB: false, m: Lq, n: dh, k: Lk, a: p, lda: Lk, b: vn, ldb: ldkv,
              c: out + n * Lq * D + h * dh, ldc: D)
      }
    }
  }

  /// Backward: given dL/d`out`, writes dL/dQ into `dq` (stride `ldq`) and dL/dK, dL/dV into `dk`, `dv`
  /// (stride `ldkv`), all overwritten; `scratch` holds ``scratchCount(queries:keys:)`` floats.
  public static func backward(
    dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    ldkv: Int, probs: UnsafePointer<Float>, batch: Int, queries Lq: Int, keys Lk: Int, dim D: Int, heads: Int,
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let dh = D / heads, scale = 1 / Float(dh).squareRoot()
      AttentionOp.forEachHead(batch: batch, heads: heads) { worker, n, h, item in
        let p = probs + item * Lq * Lk, dp = scratch + worker * Lq * Lk
        let qn = q + n * Lq * ldq + h * dh, kn = k + n * Lk * ldkv + h * dh, vn = v + n * Lk * ldkv + h * dh
        let dqn = dq + n * Lq * ldq + h * dh, dkn = dk + n * Lk * ldkv + h * dh, dvn = dv + n * Lk * ldkv + h * dh
        let dO = dOut + n * Lq * D + h * dh
        // dP = dO·Vᵀ ; dV = Pᵀ·dO
        sgemm(transA: false, transB: true, m: Lq, n: Lk, k: dh, a: dO, lda: D, b: vn, ldb: ldkv, c: dp, ldc: Lk)
        sgemm(transA: true, transB: false, m: Lk, n: dh, k: Lq, a: p, lda: Lk, b: dO, ldb: D, c: dvn, ldc: ldkv)
        // dS = softmax'(dP)·scale (zero where P is zero, i.e. at padded keys)
        for r in 0..<Lq { SoftmaxOp.backwardRow(y: p + r * Lk, d: dp + r * Lk, Lk, scale: scale) }
        // dQ = dS·K ; dK = dSᵀ·Q
        sgemm(transA: false, transB: false, m: Lq, n: dh, k: Lk, a: dp, lda: Lk, b: kn, ldb: ldkv, c: dqn, ldc: ldq)
        sgemm(transA: true, transB: false, m: Lk, n: dh, k: Lq, a: dp, lda: Lk, b: qn, ldb: ldq, c: dkn, ldc: ldkv)
      }
    }
  }

  /// Softmax of `x·scale` over the valid entries of one row; padded entries become exactly 0.
  @inline(__always)
  static func softmaxRow(_ x: UnsafeMutablePointer<Float>, _ n: Int, scale: Float, valid: UnsafePointer<Float>?) {
    guard let valid else { return SoftmaxOp.row(x, n, scale: scale) }
    var mx = -Float.infinity
    for j in 0..<n where valid[j] != 0 { mx = Swift.max(mx, x[j]) }
    precondition(mx > -Float.infinity, "attention row has no valid key")
    var sum: Float = 0
    for j in 0..<n {
      x[j] = valid[j] != 0 ? FastMath.exp((x[j] - mx) * scale) : 0
      sum += x[j]
    }
    let inv = 1 / sum
    for j in 0..<n { x[j] *= inv }
  }
}
