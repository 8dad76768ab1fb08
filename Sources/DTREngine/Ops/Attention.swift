/// Batched multi-head self-attention core, `softmax(Q·Kᵀ/√d)·V`, reading Q, K and V in place from a
/// fused QKV projection.
///
/// Layout follows timm's `Attention` (as in DiT): `qkv` is `[N, L, 3·D]` with, per token, all heads'
/// queries, then keys, then values; head h owns columns `h·d ..< (h+1)·d` of each. The output is
/// `[N, L, D]` with heads concatenated. Every per-head product is one strided sgemm (no transposes or
/// copies), and the (sample, head) pairs are split over the cores with OpenBLAS held to one thread,
/// which machine.md measured at up to 1.9× for these small matrices.
///
/// The softmax probabilities `[N, H, L, L]` can be kept for backward (`probs` non-nil) or recomputed
/// there from Q and K (`probs` nil): one extra Q·Kᵀ per head in exchange for not holding N·H·L² floats
/// per block, which dominates memory at 196 tokens.
public enum AttentionOp {
  /// Scratch floats that ``forward`` (without stored probabilities) and ``backward`` need.
  public static func scratchCount(tokens: Int) -> Int { 2 * Parallel.workers * tokens * tokens }

  /// Forward: writes `out`, and the probabilities into `probs` when given (else it uses `scratch`).
  public static func forward(
    qkv: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int, heads: Int,
    probs: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let L = tokens, D = dim, dh = dim / heads
      forEachHead(batch: batch, heads: heads) { worker, n, h, item in
        let q = qkv + n * L * 3 * D + h * dh
        let p = probs.map { $0 + item * L * L } ?? scratch + worker * 2 * L * L
        probabilities(q: q, tokens: L, dim: D, headDim: dh, into: p)
        sgemm(transA: false, transB: false, m: L, n: dh, k: L, a: p, lda: L, b: q + 2 * D, ldb: 3 * D,
              c: out + n * L * D + h * dh, ldc: D)
      }
    }
  }

  /// Backward: given dL/d`out`, writes dL/d`qkv` (overwritten). `probs` is what forward stored, or nil
  /// to recompute; `scratch` holds ``scratchCount(tokens:)`` floats.
  public static func backward(
    dOut: UnsafePointer<Float>, qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>?,
    batch: Int, tokens: Int, dim: Int, heads: Int,
    dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let L = tokens, D = dim, dh = dim / heads
      let scale = 1 / Float(dh).squareRoot()
      forEachHead(batch: batch, heads: heads) { worker, n, h, item in
        let dp = scratch + worker * 2 * L * L
        let q = qkv + n * L * 3 * D + h * dh
        let dq = dqkv + n * L * 3 * D + h * dh
        let p: UnsafePointer<Float>
        if let probs {
          p = probs + item * L * L
        } else {
          probabilities(q: q, tokens: L, dim: D, headDim: dh, into: dp + L * L)
          p = UnsafePointer(dp + L * L)
        }
        let dO = dOut + n * L * D + h * dh
        // dP = dO·Vᵀ ; dV = Pᵀ·dO
        sgemm(transA: false, transB: true, m: L, n: L, k: dh, a: dO, lda: D, b: q + 2 * D, ldb: 3 * D, c: dp, ldc: L)
        sgemm(transA: true, transB: false, m: L, n: dh, k: L, a: p, lda: L, b: dO, ldb: D, c: dq + 2 * D, ldc: 3 * D)
        // dS = softmax'(dP)·scale
        for r in 0..<L { SoftmaxOp.backwardRow(y: p + r * L, d: dp + r * L, L, scale: scale) }
        // dQ = dS·K ; dK = dSᵀ·Q
        sgemm(transA: false, transB: false, m: L, n: dh, k: L, a: dp, lda: L, b: q + D, ldb: 3 * D, c: dq, ldc: 3 * D)
        sgemm(transA: true, transB: false, m: L, n: dh, k: L, a: dp, lda: L, b: q, ldb: 3 * D, c: dq + D, ldc: 3 * D)
      }
    }
  }

  /// `P = softmax(Q·Kᵀ/√d)` of one head into `p` (`[L, L]`).
  @inline(__always)
  static func probabilities(
    q: UnsafePointer<Float>, tokens L: Int, dim D: Int, headDim dh: Int, into p: UnsafeMutablePointer<Float>
  ) {
    sgemm(transA: false, transB: true, m: L, n: L, k: dh, a: q, lda: 3 * D, b: q + D, ldb: 3 * D, c: p, ldc: L)
    let scale = 1 / Float(dh).squareRoot()
    for r in 0..<L { SoftmaxOp.row(p + r * L, L, scale: scale) }
  }

  /// Calls `body(worker, sample, head, item)` for every (sample, head), the items split into one
  /// contiguous range per worker, with OpenBLAS on one thread.
  @inline(__always)
  static func forEachHead(batch: Int, heads: Int, _ body: (Int, Int, Int, Int) -> Void) {
    let items = batch * heads
    let workers = min(Parallel.workers, items)
    let chunk = (items + workers - 1) / workers
    BLASRuntime.shared.singleThreaded {
      Parallel.forRange(workers, minChunk: 1) { ws, we in
        for w in ws..<we {
          for item in (w * chunk)..<min(items, (w + 1) * chunk) { body(w, item / heads, item % heads, item) }
        }
      }
    }
  }
}
