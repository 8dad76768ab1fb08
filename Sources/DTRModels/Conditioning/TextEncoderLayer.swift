import DTREngine

/// One pre-LN transformer encoder layer of the text encoder (as ViT/timm's `Block`, with a key-padding
/// mask):
///
///     x' = x + Proj(Attn(LN₁(x)))          keys at padding tokens masked out
///     y  = x' + FC₂(GELU(FC₁(LN₂(x'))))
///
/// Parameters `<prefix>.norm1`, `.attn.qkv`, `.attn.proj`, `.norm2`, `.mlp.fc1`, `.mlp.fc2`. Text
/// sequences are short (24 tokens), so every activation backward needs is kept.
final class TextEncoderLayer {
  let D: Int, heads: Int, mlp: Int
  let norm1w: Parameter, norm1b: Parameter, norm2w: Parameter, norm2b: Parameter
  let qkv: Linear, proj: Linear, fc1: Linear, fc2: Linear
  static let eps: Float = 1e-6

  private var rowsCapacity = 0
  private var a1 = Tensor([0]), mean1 = Tensor([0]), rstd1 = Tensor([0]), qkvOut = Tensor([0]), probs = Tensor([0])
  private var att = Tensor([0]), mid = Tensor([0]), a2 = Tensor([0]), mean2 = Tensor([0]), rstd2 = Tensor([0])
  private var f1 = Tensor([0]), g1 = Tensor([0])
  private var dA = Tensor([0]), dF = Tensor([0]), dQKV = Tensor([0]), scratch = Tensor([0])

  init(_ store: ParameterStore, prefix: String, hidden: Int, heads: Int, mlpRatio: Int) {
    D = hidden
    self.heads = heads
    mlp = hidden * mlpRatio
    norm1w = store.make("\(prefix).norm1.weight", [D]); norm1b = store.make("\(prefix).norm1.bias", [D])
    qkv = Linear(store, "\(prefix).attn.qkv", D, 3 * D)
    proj = Linear(store, "\(prefix).attn.proj", D, D)
    norm2w = store.make("\(prefix).norm2.weight", [D]); norm2b = store.make("\(prefix).norm2.bias", [D])
    fc1 = Linear(store, "\(prefix).mlp.fc1", D, mlp)
    fc2 = Linear(store, "\(prefix).mlp.fc2", mlp, D)
  }

  /// Xavier-uniform linear layers, unit LayerNorm scales (timm's init).
  func initialize(_ rng: inout SplitMix64) {
    qkv.initXavier(&rng); proj.initXavier(&rng); fc1.initXavier(&rng); fc2.initXavier(&rng)
    norm1w.value.data.update(repeating: 1, count: D); norm2w.value.data.update(repeating: 1, count: D)
  }

  private func reserve(batch: Int, tokens L: Int) {
    let rows = batch * L
    guard rows > rowsCapacity else { return }
    rowsCapacity = rows
    a1 = Tensor([rows, D]); mean1 = Tensor([rows]); rstd1 = Tensor([rows]); qkvOut = Tensor([rows, 3 * D])
    probs = Tensor([batch * heads * L * L]); att = Tensor([rows, D]); mid = Tensor([rows, D]); a2 = Tensor([rows, D])
    mean2 = Tensor([rows]); rstd2 = Tensor([rows]); f1 = Tensor([rows, mlp]); g1 = Tensor([rows, mlp])
    dA = Tensor([rows, D]); dF = Tensor([rows, mlp]); dQKV = Tensor([rows, 3 * D])
    scratch = Tensor([MaskedAttentionOp.scratchCount(queries: L, keys: L)])
  }

  /// `out = layer(x)` for `batch` sequences of `L` tokens (`[batch·L, D]`); `valid` is `[batch, L]`.
  func forward(x: UnsafePointer<Float>, valid: UnsafePointer<Float>, batch N: Int, tokens L: Int,
               out: UnsafeMutablePointer<Float>) {
    reserve(batch: N, tokens: L)
    let rows = N * L
    LayerNormOp.forward(x: x, rows: rows, dim: D, eps: Self.eps, weight: norm1w.value.data, bias: norm1b.value.data,
                        out: a1.data, mean: mean1.data, rstd: rstd1.data)
    qkv.forward(a1.data, rows: rows, qkvOut.data)
    MaskedAttentionOp.forward(q: qkvOut.data, ldq: 3 * D, k: qkvOut.data + D, v: qkvOut.data + 2 * D, ldkv: 3 * D,
                              keyValid: valid, batch: N, queries: L, keys: L, dim: D, heads: heads,
                              probs: probs.data, out: att.data)
    proj.forward(att.data, rows: rows, mid.data)
    Kernels.add(x, into: mid.data, rows * D)
    LayerNormOp.forward(x: mid.data, rows: rows, dim: D, eps: Self.eps, weight: norm2w.value.data,
                        bias: norm2b.value.data, out: a2.data, mean: mean2.data, rstd: rstd2.data)
    fc1.forward(a2.data, rows: rows, f1.data)
    GELUOp.forward(x: f1.data, rows: rows, cols: mlp, out: g1.data)
    fc2.forward(g1.data, rows: rows, out)
    Kernels.add(mid.data, into: out, rows * D)
  }

  /// Backward of the last forward (input `x`): `dX` holds dL/d(out) on entry and dL/dx on return;
  /// parameter gradients accumulate.
  func backward(dX: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, batch N: Int, tokens L: Int) {
    let rows = N * L
    // MLP branch: dX is dL/d(mid) once the branch's LayerNorm gradient is added.
    fc2.backward(dX, x: g1.data, rows: rows, dx: dF.data)
    GELUOp.backward(dOut: dF.data, x: f1.data, count: rows * mlp, dx: dF.data)
    fc1.backward(dF.data, x: a2.data, rows: rows, dx: dA.data)
    LayerNormOp.backward(dOut: dA.data, x: mid.data, rows: rows, dim: D, mean: mean2.data, rstd: rstd2.data,
                         weight: norm2w.value.data, dx: dX, accumulate: true, dWeight: norm2w.grad.data,
                         dBias: norm2b.grad.data)
    // attention branch
    proj.backward(dX, x: att.data, rows: rows, dx: dA.data)
    MaskedAttentionOp.backward(dOut: dA.data, q: qkvOut.data, ldq: 3 * D, k: qkvOut.data + D, v: qkvOut.data + 2 * D,
                               ldkv: 3 * D, probs: probs.data, batch: N, queries: L, keys: L, dim: D, heads: heads,
                               dq: dQKV.data, dk: dQKV.data + D, dv: dQKV.data + 2 * D, scratch: scratch.data)
    qkv.backward(dQKV.data, x: a1.data, rows: rows, dx: dA.data)
    LayerNormOp.backward(dOut: dA.data, x: x, rows: rows, dim: D, mean: mean1.data, rstd: rstd1.data,
                         weight: norm1w.value.data, dx: dX, accumulate: true, dWeight: norm1w.grad.data,
                         dBias: norm1b.grad.data)
  }
}
