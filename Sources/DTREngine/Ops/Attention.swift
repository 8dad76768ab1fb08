/// Batched multi-head self-attention core, `softmax(Q·Kᵀ/√d)·V`, reading Q, K and V in place from a
/// fused QKV projection.
///
/// Layout follows timm's `Attention` (as in DiT): `qkv` is `[N, L, 3·D]` with, per token, all heads'
/// queries, then keys, then values; head h owns columns `h·d ..< (h+1)·d` of each. The output is
/// `[N, L, D]` with heads concatenated. Every per-head product is one strided sgemm (no transposes or
/// copies), and the (sample, head) pairs are split over the cores with OpenBLAS held to one thread,
/// which machine.md measured at up to 1.9× for these small matrices. The softmax probabilities
/// `[N, H, L, L]` are kept for backward.
public enum AttentionOp {
  /// Scratch floats that ``backward`` needs.
  public static func scratchCount(tokens: Int) -> Int { Parallel.workers * tokens * tokens }

  /// Forward: writes `out` and the probabilities `probs`.
  public static func forward(
    qkv: UnsafePointer<Float>, batch: Int, tokens: Int, dim: Int, heads: Int,
    probs: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let L = tokens, D = dim, dh = dim / heads
      let scale = 1 / Float(dh).squareRoot()
      BLASRuntime.shared.singleThreaded {
        Parallel.forRange(batch * heads, minChunk: 1) { s, e in
          for item in s..<e {
            let n = item / heads, h = item % heads
            let q = qkv + n * L * 3 * D + h * dh
            let p = probs + item * L * L
            sgemm(transA: false, transB: true, m: L, n: L, k: dh, a: q, lda: 3 * D, b: q + D, ldb: 3 * D, c: p, ldc: L)
            for r in 0..<L { SoftmaxOp.row(p + r * L, L, scale: scale) }
            sgemm(transA: false, transB: false, m: L, n: dh, k: L, a: p, lda: L, b: q + 2 * D, ldb: 3 * D,
                  c: out + n * L * D + h * dh, ldc: D)
          }
        }
      }
    }
  }

  /// Backward: given dL/d`out`, writes dL/d`qkv` (overwritten). `scratch` holds ``scratchCount(tokens:)``.
  public static func backward(
    dOut: UnsafePointer<Float>, qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>,
    batch: Int, tokens: Int, dim: Int, heads: Int,
    dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.attention) {
      let L = tokens, D = dim, dh = dim / heads
      let scale = 1 / Float(dh).squareRoot()
      let items = batch * heads
      BLASRuntime.shared.singleThreaded {
        let workers = min(Parallel.workers, items)
        let chunk = (items + workers - 1) / workers
        Parallel.forRange(workers, minChunk: 1) { ws, we in
          for w in ws..<we {
            let dp = scratch + w * L * L
            for item in (w * chunk)..<min(items, (w + 1) * chunk) {
              let n = item / heads, h = item % heads
              let q = qkv + n * L * 3 * D + h * dh
              let dq = dqkv + n * L * 3 * D + h * dh
              let p = probs + item * L * L
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
      }
    }
  }
}
