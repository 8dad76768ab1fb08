import DTREngine

/// The token captions a captioned DiT block reads: the text encoder's outputs `[N·Lk, D]`, the
/// key-padding mask `[N, Lk]`, and the buffer their gradient accumulates into.
struct TextContext {
  let tokens: UnsafePointer<Float>
  let valid: UnsafePointer<Float>
  let dTokens: UnsafeMutablePointer<Float>
  let length: Int
}

/// Multi-head cross-attention from image tokens to text tokens, as PixArt-α's `MultiHeadCrossAttention`:
/// queries `Q = x·W_qᵀ`, keys and values from one projection of the text tokens `[K V] = text·W_kvᵀ`,
/// padding keys masked, output `Proj(Attn)`. Parameters `<prefix>.q_linear`, `.kv_linear`, `.proj`;
/// `proj` starts at zero (PixArt-α), so a new layer adds nothing until it learns to.
final class CrossAttention {
  let D: Int, heads: Int
  let q: Linear, kv: Linear, proj: Linear

  private var capacity = (rows: 0, keys: 0)
  private var qOut = Tensor([0]), kvOut = Tensor([0]), probs = Tensor([0]), att = Tensor([0])
  private var dQ = Tensor([0]), dKV = Tensor([0]), dAtt = Tensor([0]), scratch = Tensor([0])

  init(_ store: ParameterStore, prefix: String, hidden: Int, heads: Int) {
    D = hidden
    self.heads = heads
    q = Linear(store, "\(prefix).q_linear", D, D)
    kv = Linear(store, "\(prefix).kv_linear", D, 2 * D)
    proj = Linear(store, "\(prefix).proj", D, D)
  }

  /// Xavier-uniform query and key/value projections; the output projection stays zero.
  func initialize(_ rng: inout SplitMix64) {
    q.initXavier(&rng)
    kv.initXavier(&rng)
  }

  private func reserve(batch N: Int, queries Lq: Int, keys Lk: Int) {
    guard N * Lq > capacity.rows || N * Lk > capacity.keys else { return }
    capacity = (N * Lq, N * Lk)
    qOut = Tensor([N * Lq, D]); kvOut = Tensor([N * Lk, 2 * D]); probs = Tensor([N * heads * Lq * Lk])
    att = Tensor([N * Lq, D]); dQ = Tensor([N * Lq, D]); dKV = Tensor([N * Lk, 2 * D]); dAtt = Tensor([N * Lq, D])
    scratch = Tensor([MaskedAttentionOp.scratchCount(queries: Lq, keys: Lk)])
  }

  /// `out = Proj(Attn(x·W_qᵀ, text))` for `[N·Lq, D]` image tokens `x`.
  func forward(x: UnsafePointer<Float>, text: TextContext, batch N: Int, queries Lq: Int,
               out: UnsafeMutablePointer<Float>) {
    let Lk = text.length
    reserve(batch: N, queries: Lq, keys: Lk)
    q.forward(x, rows: N * Lq, qOut.data)
    kv.forward(text.tokens, rows: N * Lk, kvOut.data)
    MaskedAttentionOp.forward(q: qOut.data, ldq: D, k: kvOut.data, v: kvOut.data + D, ldkv: 2 * D,
                              keyValid: text.valid, batch: N, queries: Lq, keys: Lk, dim: D, heads: heads,
                              probs: probs.data, out: att.data)
    proj.forward(att.data, rows: N * Lq, out)
  }

  /// Backward of the last forward (input `x`): writes dL/dx into `dx`, adds dL/d(text) into
  /// `text.dTokens`, accumulates parameter gradients.
  func backward(dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, text: TextContext, batch N: Int, queries Lq: Int,
                dx: UnsafeMutablePointer<Float>) {
    let Lk = text.length
    proj.backward(dOut, x: att.data, rows: N * Lq, dx: dAtt.data)
    MaskedAttentionOp.backward(dOut: dAtt.data, q: qOut.data, ldq: D, k: kvOut.data, v: kvOut.data + D, ldkv: 2 * D,
                               probs: probs.data, batch: N, queries: Lq, keys: Lk, dim: D, heads: heads,
                               dq: dQ.data, dk: dKV.data, dv: dKV.data + D, scratch: scratch.data)
    q.backward(dQ.data, x: x, rows: N * Lq, dx: dx)
    kv.backward(dKV.data, x: text.tokens, rows: N * Lk, dx: text.dTokens, accumulate: true)
  }
}
