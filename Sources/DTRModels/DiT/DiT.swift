import DTREngine

/// A Diffusion Transformer (Peebles & Xie, 2023) with adaLN-Zero blocks and Denoising Task Routing,
/// for ε-prediction on small images, with explicit forward and backward passes.
///
/// Parameter names and layouts follow `facebookresearch/DiT` `models.py` with `learn_sigma=False`
/// (docs/checkpoints.md has the mapping): the patch embedding's conv weight is stored `[D, C, p, p]`
/// and applied as patchify + GEMM. Routing tables are buffers, not parameters.
///
/// A captioned configuration (``ModelConfig/captioned``; docs/text-to-image.md) reads token captions
/// instead of class labels: a ``TextEncoder`` trained jointly with the DiT, a cross-attention layer in
/// every block, and the pooled text embedding in place of the label table in the conditioning. Labels
/// then select rows of ``captions`` (row 0 = the null caption). Inputs may be non-square (28×56).
public final class DiT: @unchecked Sendable {
  /// The architecture and routing settings (α and β change through ``setRouting(alpha:beta:)``).
  public private(set) var config: ModelConfig
  /// All parameters, named as in the reference DiT `state_dict`.
  public let parameters = ParameterStore()
  /// The routing table of each block (`[T, D]`).
  public private(set) var masks: [RoutingMask]
  /// The captions that labels select (captioned configurations; must be set before ``forward(_:t:y:out:)``).
  public var captions: CaptionTable?

  let xEmbed: Linear, finalAdaLN: Linear, finalLinear: Linear
  let posEmbed: Parameter
  let cond: ConditionEmbedder
  let blocks: [DiTBlock]
  let text: TextEncoder?
  private let ws = DiTWorkspace()

  // activations
  private var capacity = 0
  private var batch = 0
  private var timesteps: [Int] = []
  private var patches = Tensor([0]), maskRows = Tensor([0]), streams: [Tensor] = []
  private var fMod = Tensor([0]), fIn = Tensor([0]), fMean = Tensor([0]), fRstd = Tensor([0]), fOut = Tensor([0])
  private var dFMod = Tensor([0]), dFOut = Tensor([0])

  /// Builds a DiT with DiT's initialisation from `seed` (zeroed adaLN and output layers: the output is
  /// exactly 0 and every block is the identity at init).
  public init(_ config: ModelConfig, seed: UInt64) {
    precondition(config.validationError == nil, config.validationError ?? "")
    self.config = config
    let D = config.hidden, pp = config.patch * config.patch * config.inChannels
    let p = parameters
    xEmbed = Linear(p, "x_embedder.proj", pp, D)
    posEmbed = p.make("pos_embed", [1, config.tokens, D], trainable: false)
    cond = ConditionEmbedder(p, mlp: ("t_embedder.mlp.0", "t_embedder.mlp.2"),
                             table: "y_embedder.embedding_table.weight", features: 256, dim: D, rows: config.labelRows)
    blocks = (0..<config.depth).map {
      DiTBlock(p, index: $0, hidden: D, heads: config.heads, mlpRatio: config.mlpRatio, crossAttention: config.captioned)
    }
    text = config.captioned ? TextEncoder(p, config: config) : nil
    finalAdaLN = Linear(p, "final_layer.adaLN_modulation.1", D, 2 * D)
    finalLinear = Linear(p, "final_layer.linear", D, pp)
    masks = config.routingTables()
    // The conv weight's x_embedder.proj.weight is [D, C, p, p]; our Linear stores it [D, C·p·p], same bytes.
    xEmbed.weight.value.reshape([D, config.inChannels, config.patch, config.patch])
    xEmbed.weight.grad.reshape([D, config.inChannels, config.patch, config.patch])
    initialize(seed: seed)
  }

  private func initialize(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    for b in blocks {
      b.qkv.initXavier(&rng); b.proj.initXavier(&rng); b.fc1.initXavier(&rng); b.fc2.initXavier(&rng)
    }
    xEmbed.initXavier(&rng)
    if let table = cond.table { Initializer.normal(table.value, std: 0.02, rng: &rng) }
    Initializer.normal(cond.fc0.weight.value, std: 0.02, rng: &rng)
    Initializer.normal(cond.fc2.weight.value, std: 0.02, rng: &rng)
    // Captioned: the text encoder and the cross-attentions' projections (their output layers stay zero).
    text?.initialize(&rng)
    for b in blocks { b.cross?.initialize(&rng) }
    // adaLN-Zero: modulation and output layers start at zero (already zero-filled).
    let pos = SinCos.positions2D(dim: config.hidden, rows: config.inputSize / config.patch,
                                 columns: config.imageWidth / config.patch)
    pos.withUnsafeBufferPointer { posEmbed.value.data.update(from: $0.baseAddress!, count: pos.count) }
  }

  /// Rebuilds the routing tables for new α and β (random tables keep their seed).
  public func setRouting(alpha: Double, beta: Double) {
    config.alpha = alpha
    config.beta = beta
    masks = config.routingTables()
  }

  /// Replaces the routing tables (restoring a checkpoint's random tables).
  public func setMasks(_ newMasks: [RoutingMask]) {
    precondition(newMasks.count == config.depth)
    masks = newMasks
  }

  private func reserve(_ n: Int) {
    let L = config.tokens, D = config.hidden, pp = config.patch * config.patch * config.inChannels
    for b in blocks { b.reserve(batch: n, tokens: L) }
    ws.reserve(batch: n, tokens: L, hidden: D, mlp: D * config.mlpRatio)
    guard n > capacity else { return }
    capacity = n
    patches = Tensor([n * L, pp]); maskRows = Tensor([config.depth, n, D])
    streams = (0...config.depth).map { _ in Tensor([n * L, D]) }
    fMod = Tensor([n, 2 * D]); fIn = Tensor([n * L, D]); fMean = Tensor([n * L]); fRstd = Tensor([n * L])
    fOut = Tensor([n * L, pp]); dFMod = Tensor([n, 2 * D])
    dFOut = Tensor([n * L, pp])
  }

  /// Predicts ε for noisy images `x` (`[N, C, H, W]`) at integer timesteps `t` with labels `y`
  /// (`config.nullClass` for "no class"; rows of ``captions`` for a captioned model); writes
  /// `[N, C, H, W]` into `out`. Keeps activations for ``backward(_:)``.
  public func forward(_ x: Tensor, t: [Int], y: [Int], out: Tensor) {
    let N = t.count, L = config.tokens, D = config.hidden, C = config.inChannels, H = config.inputSize
    let W = config.imageWidth, p = config.patch
    precondition(y.count == N && x.count == N * C * H * W, "forward: batch shapes disagree")
    reserve(N)
    batch = N
    timesteps = t
    // patch embedding + positions
    PatchOp.patchify(image: x.data, batch: N, channels: C, height: H, width: W, patch: p, tokens: patches.data)
    let x0 = streams[0].data
    xEmbed.forward(patches.data, rows: N * L, x0)
    for n in 0..<N { Kernels.add(posEmbed.value.data, into: x0 + n * L * D, L * D) }
    // conditioning SiLU(c), c = MLP(freq(t)) + table[y], or + the pooled caption embedding
    if let text {
      guard let captions else { preconditionFailure("a captioned DiT needs its caption table set before forward") }
      text.forward(tokens: captions.tokens(for: y), batch: N)
      cond.forward(t: t, y: y, extra: text.pooled.data)
    } else {
      cond.forward(t: t, y: y)
    }
    let cAct = cond.activation, context = textContext()
    // blocks
    for (i, b) in blocks.enumerated() {
      let mrow = maskRow(i)
      b.forward(x: streams[i].data, cond: cAct.data, mask: mrow, text: context, batch: N, tokens: L,
                out: streams[i + 1].data, ws: ws)
    }
    // final layer
    finalAdaLN.forward(cAct.data, rows: N, fMod.data)
    LayerNormModulateOp.forward(x: streams[config.depth].data, batch: N, tokens: L, dim: D, eps: DiTBlock.eps,
                                shift: fMod.data, scale: fMod.data + D, paramStride: 2 * D,
                                out: fIn.data, mean: fMean.data, rstd: fRstd.data)
    finalLinear.forward(fIn.data, rows: N * L, fOut.data)
    out.reshape([N, C, H, W])
    PatchOp.unpatchify(tokens: fOut.data, batch: N, channels: C, height: H, width: W, patch: p, image: out.data)
  }

  /// The text encoder's outputs for the blocks' cross-attention, or nil without captions.
  private func textContext() -> TextContext? {
    text.map { TextContext(tokens: $0.output.data, valid: $0.valid.data, dTokens: $0.dOutput.data, length: $0.L) }
  }

  /// The per-sample mask rows of block `i` for the current batch, or nil without routing.
  private func maskRow(_ i: Int) -> UnsafePointer<Float>? {
    guard config.routing != .none else { return nil }
    let N = batch, D = config.hidden
    let dst = maskRows.data + i * N * D
    masks[i].gather(timesteps: timesteps, into: dst)
    return UnsafePointer(dst)
  }

  /// Accumulates parameter gradients for dL/d(output) = `dOut` (`[N, C, H, W]`) of the last forward.
  public func backward(_ dOut: Tensor) {
    let N = batch, L = config.tokens, D = config.hidden, C = config.inChannels, H = config.inputSize, p = config.patch
    let W = config.imageWidth
    PatchOp.unpatchifyBackward(dImage: dOut.data, batch: N, channels: C, height: H, width: W, patch: p,
                               dTokens: dFOut.data)
    var dX = ws.dX.data, dX2 = ws.dX2.data
    finalLinear.backward(dFOut.data, x: fIn.data, rows: N * L, dx: dX2)
    dFMod.data.update(repeating: 0, count: N * 2 * D)
    LayerNormModulateOp.backward(dOut: dX2, x: streams[config.depth].data, batch: N, tokens: L, dim: D,
                                 mean: fMean.data, rstd: fRstd.data, scale: fMod.data + D, paramStride: 2 * D,
                                 dx: dX, dShift: dFMod.data, dScale: dFMod.data + D)
    let cAct = cond.activation, dCond = cond.dActivation, context = textContext()
    finalAdaLN.backward(dFMod.data, x: cAct.data, rows: N, dx: dCond.data, accumulate: true)
    for i in stride(from: config.depth - 1, through: 0, by: -1) {
      let mrow: UnsafePointer<Float>? = config.routing == .none ? nil : UnsafePointer(maskRows.data + i * N * D)
      blocks[i].backward(dOut: dX, x: streams[i].data, cond: cAct.data, mask: mrow, text: context, batch: N, tokens: L,
                         dx: dX2, dCond: dCond.data, ws: ws)
      swap(&dX, &dX2)
    }
    xEmbed.backward(dX, x: patches.data, rows: N * L, dx: nil)
    cond.backward()
    text?.backward(dPooled: cond.dC.data)
  }
}
