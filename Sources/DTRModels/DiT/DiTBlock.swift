import DTREngine

/// One adaLN-Zero DiT block with Denoising Task Routing (dtr-spec.md §3):
///
///     h0  = x ⊙ m
///     h1  = h0 + gate1 · Attn(LN(h0)·(1+scale1) + shift1)
///     h1' = h1 + CrossAttn(h1, text)                      (captioned DiT only; else h1' = h1)
///     h2  = h1' + gate2 · MLP(LN(h1')·(1+scale2) + shift2)
///     out = h2 + x ⊙ (1 − m)
///
/// where m is each sample's mask row for its own timestep. Without routing, h0 = x and out = h2. The
/// cross-attention follows PixArt-α (self-attention, cross-attention, MLP; no modulation on the
/// cross-attention) and sits inside the routed stream like the other two branches.
/// The block keeps the activations that backward needs in buffers sized for the largest batch seen.
/// The residual streams h0 and h1, the modulated LayerNorm outputs and the GELU output are cheap
/// elementwise recomputations, so they live in shared workspace buffers and are rebuilt in backward; attention probabilities are kept only up to 64 tokens
/// (at 196 tokens they would be most of the memory; backward recomputes them instead).
final class DiTBlock {
  let D: Int, heads: Int, mlp: Int
  let adaLN: Linear, qkv: Linear, proj: Linear, fc1: Linear, fc2: Linear
  /// Cross-attention to the caption tokens (captioned DiT), or nil.
  let cross: CrossAttention?
  static let eps: Float = 1e-6

  // activations (rows = batch·tokens)
  private(set) var rowsCapacity = 0
  var qkvOut = Tensor([0]), att = Tensor([0]), ao = Tensor([0]), f1 = Tensor([0]), mo = Tensor([0])
  var mean1 = Tensor([0]), rstd1 = Tensor([0]), mean2 = Tensor([0]), rstd2 = Tensor([0])
  var probs: Tensor?, mod = Tensor([0]), crossOut = Tensor([0])
  /// Largest token count for which attention probabilities are stored rather than recomputed.
  static let storedProbabilityTokens = 64

  init(_ store: ParameterStore, index i: Int, hidden: Int, heads: Int, mlpRatio: Int, crossAttention: Bool = false) {
    D = hidden
    self.heads = heads
    mlp = hidden * mlpRatio
    qkv = Linear(store, "blocks.\(i).attn.qkv", D, 3 * D)
    proj = Linear(store, "blocks.\(i).attn.proj", D, D)
    fc1 = Linear(store, "blocks.\(i).mlp.fc1", D, mlp)
    fc2 = Linear(store, "blocks.\(i).mlp.fc2", mlp, D)
    adaLN = Linear(store, "blocks.\(i).adaLN_modulation.1", D, 6 * D)
    cross = crossAttention ? CrossAttention(store, prefix: "blocks.\(i).cross_attn", hidden: D, heads: heads) : nil
  }

  /// Allocates activation buffers for `batch` samples of `tokens` tokens (only grows).
  func reserve(batch: Int, tokens: Int) {
    let rows = batch * tokens
    guard rows > rowsCapacity else { return }
    rowsCapacity = rows
    att = Tensor([rows, D]); ao = Tensor([rows, D]); mo = Tensor([rows, D])
    qkvOut = Tensor([rows, 3 * D]); f1 = Tensor([rows, mlp])
    mean1 = Tensor([rows]); rstd1 = Tensor([rows]); mean2 = Tensor([rows]); rstd2 = Tensor([rows])
    probs = tokens <= Self.storedProbabilityTokens ? Tensor([batch * heads * tokens * tokens]) : nil
    mod = Tensor([batch, 6 * D])
    if cross != nil { crossOut = Tensor([rows, D]) }
  }

  /// Forward from `x` into `out` (both `[batch·tokens, D]`); `mask` is `[batch, D]` or nil (no routing);
  /// `cond` is SiLU(c), `[batch, D]`; `text` the captions (a block with cross-attention needs them).
  func forward(x: UnsafePointer<Float>, cond: UnsafePointer<Float>, mask: UnsafePointer<Float>?, text: TextContext?,
               batch N: Int, tokens L: Int, out: UnsafeMutablePointer<Float>, ws: DiTWorkspace) {
    let rows = N * L, m = mod.data, S = 6 * D
    let aIn = ws.sA, mIn = ws.sA, f1Act = ws.sF
    adaLN.forward(cond, rows: N, m)
    let h0 = routedInput(x, mask: mask, batch: N, tokens: L, ws: ws), h1 = ws.h1.data
    // attention branch
    LayerNormModulateOp.forward(x: h0, batch: N, tokens: L, dim: D, eps: Self.eps, shift: m, scale: m + D,
                                paramStride: S, out: aIn.data, mean: mean1.data, rstd: rstd1.data)
    qkv.forward(aIn.data, rows: rows, qkvOut.data)
    AttentionOp.forward(qkv: qkvOut.data, batch: N, tokens: L, dim: D, heads: heads, probs: probs?.data,
                        scratch: ws.attnScratch.data, out: att.data)
    proj.forward(att.data, rows: rows, ao.data)
    GatedResidualOp.forward(h: h0, y: ao.data, gate: m + 2 * D, gateStride: S, batch: N, tokens: L, dim: D, out: h1)
    if let cross {
      cross.forward(x: h1, text: text!, batch: N, queries: L, out: crossOut.data)
    }
    let hm = crossResidual(h1, rows: rows, ws: ws)
    // MLP branch
    LayerNormModulateOp.forward(x: hm, batch: N, tokens: L, dim: D, eps: Self.eps, shift: m + 3 * D,
                                scale: m + 4 * D, paramStride: S, out: mIn.data, mean: mean2.data, rstd: rstd2.data)
    fc1.forward(mIn.data, rows: rows, f1.data, withBias: false)
    GELUOp.forward(x: f1.data, rows: rows, cols: mlp, bias: fc1.bias!.value.data, out: f1Act.data)
    fc2.forward(f1Act.data, rows: rows, mo.data)
    GatedResidualOp.forward(h: hm, y: mo.data, gate: m + 5 * D, gateStride: S, batch: N, tokens: L, dim: D, out: out)
    if let mask {
      ChannelMaskOp.forward(x: x, mask: mask, batch: N, tokens: L, dim: D, complement: true, accumulate: true, out: out)
    }
  }

  /// h1' = h1 + CrossAttn(h1, text) in the workspace (from the kept cross-attention output), or h1 itself
  /// without cross-attention.
  private func crossResidual(_ h1: UnsafeMutablePointer<Float>, rows: Int, ws: DiTWorkspace) -> UnsafePointer<Float> {
    guard cross != nil else { return UnsafePointer(h1) }
    ws.h1c.data.update(from: h1, count: rows * D)
    Kernels.add(crossOut.data, into: ws.h1c.data, rows * D)
    return UnsafePointer(ws.h1c.data)
  }

  /// h0 = x⊙m in the workspace, or x itself without routing.
  private func routedInput(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, batch N: Int, tokens L: Int,
                           ws: DiTWorkspace) -> UnsafePointer<Float> {
    guard let mask else { return x }
    ChannelMaskOp.forward(x: x, mask: mask, batch: N, tokens: L, dim: D, out: ws.h0.data)
    return UnsafePointer(ws.h0.data)
  }

  /// Backward: `dOut` is dL/d(out); writes dL/dx into `dx`, adds dL/d(cond) into `dCond`, and
  /// accumulates parameter gradients. `ws` supplies scratch buffers.
  func backward(dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, cond: UnsafePointer<Float>,
                mask: UnsafePointer<Float>?, text: TextContext?, batch N: Int, tokens L: Int,
                dx: UnsafeMutablePointer<Float>, dCond: UnsafeMutablePointer<Float>, ws: DiTWorkspace) {
    let rows = N * L, m = mod.data, S = 6 * D
    let dMod = ws.dMod.data, dH = ws.dH.data, dT = ws.dT.data, dBig = ws.dBig.data, dQKV = ws.dQKV.data
    dMod.update(repeating: 0, count: N * S)
    // recompute the residual streams h0 = x⊙m, h1 = h0 + gate1·ao and h1' = h1 + cross
    let h0 = routedInput(x, mask: mask, batch: N, tokens: L, ws: ws), h1 = ws.h1.data
    GatedResidualOp.forward(h: h0, y: ao.data, gate: m + 2 * D, gateStride: S, batch: N, tokens: L, dim: D, out: h1)
    let hm = crossResidual(h1, rows: rows, ws: ws)
    // out = h2 + x⊙(1−m): dh2 = dOut
    dH.update(from: dOut, count: rows * D)
    // h2 = h1' + gate2·mo
    GatedResidualOp.backward(dOut: dH, y: mo.data, gate: m + 5 * D, gateStride: S, batch: N, tokens: L, dim: D,
                             dy: dT, dGate: dMod + 5 * D)
    let sA = ws.sA.data, sF = ws.sF.data
    GELUOp.forward(x: f1.data, rows: rows, cols: mlp, out: sF)  // recompute GELU(f1)
    fc2.backward(dT, x: sF, rows: rows, dx: dBig)
    GELUOp.backward(dOut: dBig, x: f1.data, count: rows * mlp, dx: sF)
    LayerNormModulateOp.forward(x: hm, batch: N, tokens: L, dim: D, eps: Self.eps, shift: m + 3 * D,
                                scale: m + 4 * D, paramStride: S, out: sA, mean: mean2.data, rstd: rstd2.data)
    fc1.backward(sF, x: sA, rows: rows, dx: dT)
    LayerNormModulateOp.backward(dOut: dT, x: hm, batch: N, tokens: L, dim: D, mean: mean2.data, rstd: rstd2.data,
                                 scale: m + 4 * D, paramStride: S, dx: dH, accumulate: true,
                                 dShift: dMod + 3 * D, dScale: dMod + 4 * D)
    // h1' = h1 + CrossAttn(h1): dH holds dL/dh1', add the path through the cross-attention's queries
    if let cross {
      cross.backward(dOut: dH, x: h1, text: text!, batch: N, queries: L, dx: dT)
      Kernels.add(dT, into: dH, rows * D)
    }
    // h1 = h0 + gate1·ao ; dH now holds dL/dh1
    GatedResidualOp.backward(dOut: dH, y: ao.data, gate: m + 2 * D, gateStride: S, batch: N, tokens: L, dim: D,
                             dy: dT, dGate: dMod + 2 * D)
    proj.backward(dT, x: att.data, rows: rows, dx: dBig)
    AttentionOp.backward(dOut: dBig, qkv: qkvOut.data, probs: probs?.data, batch: N, tokens: L, dim: D, heads: heads,
                         dqkv: dQKV, scratch: ws.attnScratch.data)
    LayerNormModulateOp.forward(x: h0, batch: N, tokens: L, dim: D, eps: Self.eps, shift: m, scale: m + D,
                                paramStride: S, out: sA, mean: mean1.data, rstd: rstd1.data)
    qkv.backward(dQKV, x: sA, rows: rows, dx: dT)
    LayerNormModulateOp.backward(dOut: dT, x: h0, batch: N, tokens: L, dim: D, mean: mean1.data, rstd: rstd1.data,
                                 scale: m + D, paramStride: S, dx: dH, accumulate: true,
                                 dShift: dMod, dScale: dMod + D)
    // dH = dL/dh0; h0 = x⊙m and the bypass x⊙(1−m)
    if let mask {
      ChannelMaskOp.backward(dOut: dH, mask: mask, batch: N, tokens: L, dim: D, dx: dx)
      ChannelMaskOp.backward(dOut: dOut, mask: mask, batch: N, tokens: L, dim: D, complement: true, accumulate: true, dx: dx)
    } else {
      dx.update(from: dH, count: rows * D)
    }
    adaLN.backward(dMod, x: cond, rows: N, dx: dCond, accumulate: true)
  }
}

/// Scratch buffers shared by all blocks of a DiT: recomputed activations (`h0`, `h1`, `h1c`, `sA`, `sF`) and
/// backward's gradient buffers.
final class DiTWorkspace {
  var h0 = Tensor([0]), h1 = Tensor([0]), h1c = Tensor([0]), sA = Tensor([0]), sF = Tensor([0])
  var dMod = Tensor([0]), dH = Tensor([0]), dT = Tensor([0]), dBig = Tensor([0]), dQKV = Tensor([0])
  var attnScratch = Tensor([0]), dX = Tensor([0]), dX2 = Tensor([0])
  private var rowsCapacity = 0

  func reserve(batch: Int, tokens: Int, hidden D: Int, mlp: Int) {
    let rows = batch * tokens
    guard rows > rowsCapacity else { return }
    rowsCapacity = rows
    dMod = Tensor([batch, 6 * D]); dH = Tensor([rows, D]); dT = Tensor([rows, D]); dBig = Tensor([rows, max(mlp, D)])
    dQKV = Tensor([rows, 3 * D]); attnScratch = Tensor([AttentionOp.scratchCount(tokens: tokens)])
    dX = Tensor([rows, D]); dX2 = Tensor([rows, D]); sA = Tensor([rows, D]); sF = Tensor([rows, mlp])
    h0 = Tensor([rows, D]); h1 = Tensor([rows, D]); h1c = Tensor([rows, D])
  }
}
