import DTREngine

/// An ADM-style UNet (Dhariwal & Nichol, 2021; openai/guided-diffusion `unet.py::UNetModel` with
/// `use_scale_shift_norm=True`) for ε-prediction on small images, with Denoising Task Routing in every
/// residual block and explicit forward and backward passes.
///
/// For 28×28 inputs the levels run at 28, 14 and 7 pixels and back, with channel-concatenated skip
/// connections, self-attention at 7×7 (and 14×14 with ``ModelConfig/attentionAt14``) and in the middle
/// block. Parameter names follow guided-diffusion's `state_dict` (docs/unet.md). The output layer starts at
/// zero, so the prediction is exactly 0 at init. Buffers are sized for the largest batch seen and reused.
public final class UNet: @unchecked Sendable {
  /// The architecture and routing settings (α and β change through ``setRouting(alpha:beta:)``).
  public private(set) var config: ModelConfig
  /// All parameters, named as in guided-diffusion's `UNetModel.state_dict()`.
  public let parameters = ParameterStore()
  /// One routing table per residual block (`[T, C_in]` of that block), in ``ModelConfig/routedBlocks`` order.
  public private(set) var masks: [RoutingMask]
  /// Always nil: a UNet reads class labels, not captions (setting a table is a programming error).
  public var captions: CaptionTable? {
    get { nil }
    set { precondition(newValue == nil, "a UNet is conditioned on class labels, not captions") }
  }
  /// The number format of every convolution (``Precision``): fp32 unless set.
  public var precision: Precision {
    get { ws.conv.precision }
    set { ws.conv.precision = newValue }
  }
  /// dL/dx of the last ``backward(_:)``, `[N, C, H, W]`: the gradient with respect to the noisy input.
  public private(set) var inputGradient = Tensor([0])

  private let layout: UNetLayout
  private let cond: ConditionEmbedder
  private let inputBlocks: [[any UNetModule]], middle: [any UNetModule], outputBlocks: [[any UNetModule]]
  private let resBlocks: [ResBlock]
  private let outNorm: GroupNormLayer, outConv: ConvLayer
  private let ws = UNetWorkspace()

  private var capacity = 0
  private var batch = 0
  private var concats: [Tensor] = [], skipGrads: [Tensor] = []
  private var headG = Tensor([0]), headS = Tensor([0]), headMean = Tensor([0]), headRstd = Tensor([0])
  private var dA = Tensor([0]), dB = Tensor([0])

  /// Builds a UNet with PyTorch's default initialisation from `seed` (ADM's zeroed `out_layers.3`,
  /// `proj_out` and `out.2`; label embedding N(0, 1)).
  public init(_ config: ModelConfig, seed: UInt64) {
    precondition(config.arch == .unet, "UNet built from a \(config.arch) configuration")
    precondition(config.validationError == nil, config.validationError ?? "")
    self.config = config
    layout = UNetLayout(config)
    let p = parameters, E = config.unetEmbedChannels
    cond = ConditionEmbedder(p, mlp: ("time_embed.0", "time_embed.2"), table: "label_emb.weight",
                             features: config.baseChannels, dim: E, rows: config.labelRows)
    func build(_ block: UNetLayout.Block) -> [any UNetModule] {
      block.modules.map { e -> any UNetModule in
        switch e.module {
        case .conv(let i, let o, let s, let stride):
          return ConvBlock(p, e.prefix, inChannels: i, outChannels: o, side: s, stride: stride)
        case .res(let i, let o, let s):
          return ResBlock(p, e.prefix, inChannels: i, outChannels: o, side: s, embed: E, groupLimit: config.groups)
        case .attention(let c, let s):
          return AttentionBlock(p, e.prefix, channels: c, side: s, headChannels: config.headChannels,
                                groupLimit: config.groups)
        case .pool(let c, let s): return AvgPoolBlock(channels: c, side: s)
        case .upsample(let c, let s, let o): return UpsampleBlock(p, e.prefix, channels: c, side: s, outSide: o)
        }
      }
    }
    inputBlocks = layout.input.map(build)
    middle = build(layout.middle)
    outputBlocks = layout.output.map(build)
    outNorm = GroupNormLayer(p, "out.0", channels: layout.headChannels, groupLimit: config.groups)
    outConv = ConvLayer(p, "out.2", layout.headChannels, config.inChannels, kernel: 3)
    let all = (inputBlocks + [middle] + outputBlocks).flatMap { $0 }
    resBlocks = all.compactMap { $0 as? ResBlock }
    masks = []
    installMasks(config.routingTables())
    var rng = SplitMix64(seed: seed)
    cond.fc0.initDefault(&rng)
    cond.fc2.initDefault(&rng)
    if let table = cond.table { Initializer.normal(table.value, std: 1, rng: &rng) }
    for m in all { m.initialize(&rng) }
  }

  private func installMasks(_ tables: [RoutingMask]) {
    masks = tables
    for (block, table) in zip(resBlocks, tables) { block.mask = config.routing == .none ? nil : table }
  }

  /// Rebuilds the routing tables for new α and β (random tables keep their per-block seeds
  /// `routingSeed + b`, b the block's position in ``masks``).
  public func setRouting(alpha: Double, beta: Double) {
    config.alpha = alpha
    config.beta = beta
    installMasks(config.routingTables())
  }

  /// Replaces the routing tables (restoring a checkpoint's random tables); each must match its block's
  /// input width.
  public func setMasks(_ newMasks: [RoutingMask]) {
    precondition(newMasks.count == resBlocks.count, "\(newMasks.count) routing tables for \(resBlocks.count) blocks")
    for (m, b) in zip(newMasks, resBlocks) {
      precondition(m.channels == b.cin && m.timesteps == config.timesteps, "routing table shape mismatch")
    }
    installMasks(newMasks)
  }

  private func reserve(_ n: Int) {
    guard n > capacity else { return }
    capacity = n
    let s0 = config.inputSize, plane0 = s0 * s0, all = (inputBlocks + [middle] + outputBlocks).flatMap { $0 }
    for m in all { m.reserve(batch: n) }
    var activation = config.inChannels * plane0, widest = layout.headChannels, attention = 0, tokens = 0
    for m in layout.modules {
      switch m {
      case .conv(let i, let o, let s, _): activation = max(activation, max(i, o) * s * s)
      case .res(let i, let o, let s):
        // residual blocks keep their branch channel-blocked, padded to the block (BlockedNormSiLU)
        let stored = ActivationLayout.blocked.storedChannels(max(i, o))
        (activation, widest) = (max(activation, stored * s * s), max(widest, i, o))
      case .attention(let c, let s): (attention, tokens) = (max(attention, c * s * s), max(tokens, s * s))
      case .pool(let c, let s): activation = max(activation, c * s * s)
      case .upsample(let c, _, let o): activation = max(activation, c * o * o)
      }
    }
    ws.reserve(batch: n, activation: max(activation, attention), channels: widest, attention: attention, tokens: tokens)
    concats = layout.output.map { b in
      guard case .res(let i, _, let s) = b.modules[0].module else { fatalError("output block without a ResBlock") }
      return Tensor([n * i * s * s])
    }
    skipGrads = layout.skipSizes.map { Tensor([n * $0]) }
    headG = Tensor([n * layout.headChannels * plane0]); headS = Tensor([n * layout.headChannels * plane0])
    headMean = Tensor([n * outNorm.groups]); headRstd = Tensor([n * outNorm.groups])
    dA = Tensor([n * activation]); dB = Tensor([n * activation]); inputGradient = Tensor([n, config.inChannels, s0, s0])
  }

  /// Predicts ε for noisy images `x` (`[N, C, H, W]`) at original timesteps `t` with labels `y`
  /// (`config.nullClass` for "no class"); writes `[N, C, H, W]` into `out`. Keeps activations for
  /// ``backward(_:)``.
  public func forward(_ x: Tensor, t: [Int], y: [Int], out: Tensor) {
    let N = t.count, C = config.inChannels, H = config.inputSize
    precondition(y.count == N && x.count == N * C * H * H, "forward: batch shapes disagree")
    reserve(N)
    batch = N
    cond.forward(t: t, y: y)
    let step = UNetStep(batch: N, timesteps: t, emb: cond.activation.data, dEmb: cond.dActivation.data, ws: ws)
    var cur = UnsafePointer(x.data)
    func run(_ modules: [any UNetModule]) {
      for m in modules {
        m.forward(cur, step)
        cur = UnsafePointer(m.out.data)
      }
    }
    for block in inputBlocks { run(block) }
    run(middle)
    for (k, block) in outputBlocks.enumerated() {
      let (previous, skip, side) = concatShape(k)
      PlaneOps.concat(cur, previous, inputBlocks[inputBlocks.count - 1 - k].last!.out.data, skip, batch: N,
                      plane: side * side, out: concats[k].data)
      cur = UnsafePointer(concats[k].data)
      run(block)
    }
    // out: GN → SiLU → zero conv
    outNorm.forward(cur, batch: N, plane: H * H, out: headG.data, mean: headMean.data, rstd: headRstd.data)
    SiLUOp.forward(x: headG.data, count: N * layout.headChannels * H * H, out: headS.data)
    out.reshape([N, C, H, H])
    outConv.forward(headS.data, batch: N, side: H, out: out.data, ws: ws.conv)
  }

  /// Channels of the running activation and of the skip activation concatenated before output block `k`,
  /// and its side.
  private func concatShape(_ k: Int) -> (Int, Int, Int) {
    let b = layout.output[k]
    guard case .res(let i, _, let s) = b.modules[0].module else { fatalError("output block without a ResBlock") }
    return (i - b.skipChannels, b.skipChannels, s)
  }

  /// Accumulates parameter gradients for dL/d(output) = `dOut` (`[N, C, H, W]`) of the last forward, and
  /// writes ``inputGradient``.
  public func backward(_ dOut: Tensor) {
    let N = batch, H = config.inputSize, t0 = ws.t0.data
    let step = UNetStep(batch: N, timesteps: [], emb: cond.activation.data, dEmb: cond.dActivation.data, ws: ws)
    var d = dA.data, spare = dB.data
    func run(_ modules: [any UNetModule]) {
      for j in modules.indices.reversed() {
        modules[j].backward(d, step, dx: spare)
        swap(&d, &spare)
      }
    }
    // head
    outConv.backward(dOut.data, x: headS.data, batch: N, side: H, dx: t0, ws: ws.conv)
    SiLUOp.backward(dOut: t0, x: headG.data, count: N * layout.headChannels * H * H, dx: t0)
    outNorm.backward(t0, x: outputBlocks.last!.last!.out.data, batch: N, plane: H * H, mean: headMean.data,
                     rstd: headRstd.data, dx: d, ws: ws)
    for k in outputBlocks.indices.reversed() {
      run(outputBlocks[k])
      let (previous, skip, side) = concatShape(k)
      PlaneOps.split(d, previous, skip, batch: N, plane: side * side, a: spare,
                     b: skipGrads[inputBlocks.count - 1 - k].data)
      swap(&d, &spare)
    }
    run(middle)
    for k in inputBlocks.indices.reversed() {
      Kernels.add(skipGrads[k].data, into: d, N * layout.skipSizes[k])
      if k > 0 { run(inputBlocks[k]) }
    }
    // input_blocks.0 is the input convolution alone
    inputGradient.reshape([N, config.inChannels, H, H])
    inputBlocks[0][0].backward(d, step, dx: inputGradient.data)
    cond.backward()
  }
}

extension UNet: DenoisingNetwork {}
