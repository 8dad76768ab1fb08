import DTREngine

/// The text encoder of a captioned DiT, trained jointly with it: token embedding over the caption
/// vocabulary plus learned positions, ``ModelConfig/textDepth`` pre-LN transformer layers with a
/// key-padding mask (``TextEncoderLayer``), and a final affine LayerNorm. Its outputs are the token
/// embeddings `[N·L, D]` that cross-attention reads (padding keys masked) and their masked mean over the
/// valid tokens, the pooled embedding that joins the timestep embedding for adaLN.
///
/// Parameters: `text_encoder.token_embedding.weight` `[V, D]`, `text_encoder.pos_embed` `[1, L, D]`,
/// `text_encoder.layers.i.*` and `text_encoder.norm.{weight,bias}` (docs/text-to-image.md).
final class TextEncoder {
  let D: Int, L: Int
  let tokenEmbedding: Parameter, posEmbed: Parameter, normW: Parameter, normB: Parameter
  let layers: [TextEncoderLayer]

  /// The token embeddings of the last forward, `[N·L, D]`.
  private(set) var output = Tensor([0])
  /// 1 at caption tokens, 0 at padding, `[N, L]`.
  private(set) var valid = Tensor([0])
  /// The pooled embedding, `[N, D]`.
  private(set) var pooled = Tensor([0])
  /// dL/d``output``: zeroed by ``forward(tokens:batch:)``, accumulated by the cross-attention layers.
  private(set) var dOutput = Tensor([0])

  private var capacity = 0, batch = 0
  private var ids: [Int] = []
  private var streams: [Tensor] = [], mean = Tensor([0]), rstd = Tensor([0]), dX = Tensor([0]), dPool = Tensor([0])

  init(_ store: ParameterStore, config c: ModelConfig) {
    D = c.hidden
    L = c.captionLength
    tokenEmbedding = store.make("text_encoder.token_embedding.weight", [c.vocabularySize, D])
    posEmbed = store.make("text_encoder.pos_embed", [1, L, D])
    layers = (0..<c.textDepth).map {
      TextEncoderLayer(store, prefix: "text_encoder.layers.\($0)", hidden: c.hidden, heads: c.heads, mlpRatio: c.mlpRatio)
    }
    normW = store.make("text_encoder.norm.weight", [D])
    normB = store.make("text_encoder.norm.bias", [D])
  }

  /// N(0, 0.02) embeddings and positions, Xavier layers, unit LayerNorm scales.
  func initialize(_ rng: inout SplitMix64) {
    Initializer.normal(tokenEmbedding.value, std: 0.02, rng: &rng)
    Initializer.normal(posEmbed.value, std: 0.02, rng: &rng)
    for l in layers { l.initialize(&rng) }
    normW.value.data.update(repeating: 1, count: D)
  }

  private func reserve(_ n: Int) {
    guard n > capacity else { return }
    capacity = n
    streams = (0...layers.count).map { _ in Tensor([n * L, D]) }
    output = Tensor([n * L, D]); valid = Tensor([n, L]); pooled = Tensor([n, D]); dOutput = Tensor([n * L, D])
    mean = Tensor([n * L]); rstd = Tensor([n * L]); dX = Tensor([n * L, D]); dPool = Tensor([n * L, D])
  }

  /// Encodes `batch` captions of ``L`` token ids each (`tokens`, row-major; 0 = padding).
  func forward(tokens: [Int32], batch N: Int) {
    precondition(tokens.count == N * L, "text encoder: \(tokens.count) ids for \(N) captions of \(L)")
    reserve(N)
    batch = N
    let V = tokenEmbedding.value.shape[0]
    ids = tokens.map { id in
      precondition(id >= 0 && Int(id) < V, "token id \(id) outside the vocabulary of \(V)")
      return Int(id)
    }
    for i in 0..<(N * L) { valid.data[i] = ids[i] == 0 ? 0 : 1 }
    let x0 = streams[0].data
    EmbeddingOp.forward(table: tokenEmbedding.value.data, dim: D, indices: ids, out: x0)
    for n in 0..<N { Kernels.add(posEmbed.value.data, into: x0 + n * L * D, L * D) }
    for (i, layer) in layers.enumerated() {
      layer.forward(x: streams[i].data, valid: valid.data, batch: N, tokens: L, out: streams[i + 1].data)
    }
    LayerNormOp.forward(x: streams[layers.count].data, rows: N * L, dim: D, eps: TextEncoderLayer.eps,
                        weight: normW.value.data, bias: normB.value.data, out: output.data, mean: mean.data,
                        rstd: rstd.data)
    MaskedMeanOp.forward(x: output.data, valid: valid.data, batch: N, tokens: L, dim: D, out: pooled.data)
    dOutput.data.update(repeating: 0, count: N * L * D)
  }

  /// Accumulates parameter gradients from ``dOutput`` and `dPooled` (`[N, D]`), dL/d``pooled``.
  func backward(dPooled: UnsafePointer<Float>) {
    let N = batch, rows = N * L
    MaskedMeanOp.backward(dOut: dPooled, valid: valid.data, batch: N, tokens: L, dim: D, dx: dPool.data)
    Kernels.add(dPool.data, into: dOutput.data, rows * D)
    LayerNormOp.backward(dOut: dOutput.data, x: streams[layers.count].data, rows: rows, dim: D, mean: mean.data,
                         rstd: rstd.data, weight: normW.value.data, dx: dX.data, dWeight: normW.grad.data,
                         dBias: normB.grad.data)
    for i in stride(from: layers.count - 1, through: 0, by: -1) {
      layers[i].backward(dX: dX.data, x: streams[i].data, batch: N, tokens: L)
    }
    EmbeddingOp.backward(dOut: dX.data, dim: D, indices: ids, dTable: tokenEmbedding.grad.data)
    for n in 0..<N { Kernels.add(dX.data + n * L * D, into: posEmbed.grad.data, L * D) }
  }
}
