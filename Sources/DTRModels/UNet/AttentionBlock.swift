import DTREngine

/// ADM's self-attention block (`unet.py::AttentionBlock`), not routed:
///
///     out = x + proj_out(Attention(qkv(GN(x))))
///
/// over the `side²` pixels as tokens. `qkv` and `proj_out` are 1×1 `Conv1d`s (weights `[3C, C, 1]` and
/// `[C, C, 1]`), applied as GEMMs on the transposed `[N·L, C]` tokens. The fused QKV uses
/// `QKVAttention`'s channel order (`use_new_attention_order=True`: all heads' queries, then keys, then
/// values), which is ``AttentionOp``'s layout. `proj_out` starts at zero, so the block is the identity at init.
final class AttentionBlock: UNetModule {
  let channels: Int, tokens: Int, heads: Int
  let norm: GroupNormLayer, qkv: Linear, proj: Linear

  private var capacity = 0
  private var input: UnsafePointer<Float>?
  private(set) var out = Tensor([0])
  private var g = Tensor([0]), tok = Tensor([0]), qkvOut = Tensor([0]), att = Tensor([0]), probs = Tensor([0])
  private var mean = Tensor([0]), rstd = Tensor([0])

  init(_ store: ParameterStore, _ prefix: String, channels: Int, side: Int, headChannels: Int, groupLimit: Int) {
    (self.channels, tokens, heads) = (channels, side * side, channels / headChannels)
    norm = GroupNormLayer(store, "\(prefix).norm", channels: channels, groupLimit: groupLimit)
    qkv = Linear(store, "\(prefix).qkv", channels, 3 * channels)
    proj = Linear(store, "\(prefix).proj_out", channels, channels)
    for p in [qkv.weight, proj.weight] {
      p.value.reshape(p.value.shape + [1])
      p.grad.reshape(p.grad.shape + [1])
    }
  }

  /// PyTorch defaults, with `proj_out` left at zero (ADM's `zero_module`).
  func initialize(_ rng: inout SplitMix64) {
    qkv.initDefault(&rng)
  }

  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    let size = n * channels * tokens
    out = Tensor([size]); g = Tensor([size]); tok = Tensor([size]); att = Tensor([size])
    qkvOut = Tensor([3 * size]); probs = Tensor([n * heads * tokens * tokens])
    mean = Tensor([n * norm.groups]); rstd = Tensor([n * norm.groups])
  }

  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep) {
    let N = step.batch, rows = N * tokens, projected = step.ws.t0.data
    input = x
    norm.forward(x, batch: N, plane: tokens, out: g.data, mean: mean.data, rstd: rstd.data)
    PlaneOps.toTokens(g.data, batch: N, channels: channels, plane: tokens, out: tok.data)
    qkv.forward(tok.data, rows: rows, qkvOut.data)
    AttentionOp.forward(qkv: qkvOut.data, batch: N, tokens: tokens, dim: channels, heads: heads, probs: probs.data,
                        scratch: step.ws.attnScratch.data, out: att.data)
    proj.forward(att.data, rows: rows, projected)
    PlaneOps.fromTokens(projected, base: x, batch: N, channels: channels, plane: tokens, out: out.data)
  }

  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>) {
    let N = step.batch, rows = N * tokens, ws = step.ws, t0 = ws.t0.data, t1 = ws.t1.data
    PlaneOps.toTokens(dOut, batch: N, channels: channels, plane: tokens, out: t0)
    proj.backward(t0, x: att.data, rows: rows, dx: t1)
    AttentionOp.backward(dOut: t1, qkv: qkvOut.data, probs: probs.data, batch: N, tokens: tokens, dim: channels,
                         heads: heads, dqkv: ws.dqkv.data, scratch: ws.attnScratch.data)
    qkv.backward(ws.dqkv.data, x: tok.data, rows: rows, dx: t0)
    PlaneOps.fromTokens(t0, base: nil, batch: N, channels: channels, plane: tokens, out: t1)
    dx.update(from: dOut, count: N * channels * tokens)
    norm.backward(t1, x: input!, batch: N, plane: tokens, mean: mean.data, rstd: rstd.data, dx: dx, accumulate: true,
                  ws: ws)
  }
}
