import DTREngine

/// ADM's residual block (`unet.py::ResBlock`, `use_scale_shift_norm=True`, no dropout) with Denoising Task
/// Routing on its input:
///
///     a   = m ⊙ x                                   (m: each image's mask row, [N, C_in]; a = x without routing)
///     h   = in_layers:  conv3×3(SiLU(GN(a)))
///     (scale, shift) = emb_layers: Linear(SiLU(emb))
///     h   = out_layers: zero-conv3×3(SiLU(GN(h)·(1 + scale) + shift))
///     out = skip(x) + h                             (skip: identity, or a 1×1 conv when C_in ≠ C_out)
///
/// The branch reads only the routed channels; the skip path reads all of x. With C_in = C_out this is
/// the DiT form `x + Block(m ⊙ x)` (docs/unet.md).
final class ResBlock: UNetModule {
  let cin: Int, cout: Int, side: Int, plane: Int
  let norm1: GroupNormLayer, conv1: ConvLayer, embProj: Linear, norm2: GroupNormLayer, conv2: ConvLayer
  let skip: ConvLayer?
  /// The routing table (`[T, C_in]`), or nil without routing.
  var mask: RoutingMask?

  private var capacity = 0
  private(set) var out = Tensor([0])
  /// The branch runs channel-blocked (``ActivationLayout/blocked``) from the block's input to its second
  /// convolution's output: `xb` is x blocked, `s1`/`s2` the convolutions' inputs, `h1` the first one's output.
  private var maskRows = Tensor([0]), xb = Tensor([0]), s1 = Tensor([0]), h1 = Tensor([0]), s2 = Tensor([0])
  private var e = Tensor([0])
  private var mean1 = Tensor([0]), rstd1 = Tensor([0]), mean2 = Tensor([0]), rstd2 = Tensor([0])

  init(_ store: ParameterStore, _ prefix: String, inChannels: Int, outChannels: Int, side: Int, embed: Int,
       groupLimit: Int) {
    (cin, cout, self.side, plane) = (inChannels, outChannels, side, side * side)
    norm1 = GroupNormLayer(store, "\(prefix).in_layers.0", channels: cin, groupLimit: groupLimit)
    conv1 = ConvLayer(store, "\(prefix).in_layers.2", cin, cout, kernel: 3)
    embProj = Linear(store, "\(prefix).emb_layers.1", embed, 2 * cout)
    norm2 = GroupNormLayer(store, "\(prefix).out_layers.0", channels: cout, groupLimit: groupLimit)
    conv2 = ConvLayer(store, "\(prefix).out_layers.3", cout, cout, kernel: 3)
    skip = cin == cout ? nil : ConvLayer(store, "\(prefix).skip_connection", cin, cout, kernel: 1)
  }

  /// PyTorch defaults, with `out_layers.3` left at zero (ADM's `zero_module`).
  func initialize(_ rng: inout SplitMix64) {
    conv1.initDefault(&rng)
    embProj.initDefault(&rng)
    skip?.initDefault(&rng)
  }

  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    let xin = n * ActivationLayout.blocked.storedChannels(cin) * plane
    let xout = n * ActivationLayout.blocked.storedChannels(cout) * plane
    maskRows = Tensor([n * cin]); xb = Tensor([xin]); s1 = Tensor([xin])
    h1 = Tensor([xout]); e = Tensor([n * 2 * cout]); s2 = Tensor([xout])
    out = Tensor([n * cout * plane])
    mean1 = Tensor([n * norm1.groups]); rstd1 = Tensor([n * norm1.groups])
    mean2 = Tensor([n * norm2.groups]); rstd2 = Tensor([n * norm2.groups])
  }

  /// in_layers' GroupNorm and SiLU, with the routing mask folded in.
  private var inNorm: BlockedNormSiLU {
    BlockedNormSiLU(channels: cin, groups: norm1.groups, plane: plane, eps: GroupNormLayer.eps,
                    weight: norm1.weight.value.data, bias: norm1.bias.value.data,
                    mask: mask == nil ? nil : UnsafePointer(maskRows.data), modulation: nil)
  }

  /// out_layers' GroupNorm, scale-shift modulation and SiLU.
  private var outNorm: BlockedNormSiLU {
    BlockedNormSiLU(channels: cout, groups: norm2.groups, plane: plane, eps: GroupNormLayer.eps,
                    weight: norm2.weight.value.data, bias: norm2.bias.value.data, mask: nil,
                    modulation: (UnsafePointer(e.data), UnsafePointer(e.data + cout), 2 * cout))
  }

  private static let blockedToBlocked = Conv2DLayouts(source: .blocked, output: .blocked)
  private static let blockedToPlanar = Conv2DLayouts(source: .blocked, output: .planar)

  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep) {
    let N = step.batch, ws = step.ws
    if let mask { mask.gather(timesteps: step.timesteps, into: maskRows.data) }
    LayoutReorder.convert(x, .planar, to: xb.data, .blocked, batch: N, channels: cin, plane: plane, workspace: ws.conv)
    inNorm.forward(xb.data, batch: N, out: s1.data, mean: mean1.data, rstd: rstd1.data)
    conv1.forward(s1.data, batch: N, side: side, out: h1.data, layouts: Self.blockedToBlocked, ws: ws.conv)
    embProj.forward(step.emb, rows: N, e.data)
    outNorm.forward(h1.data, batch: N, out: s2.data, mean: mean2.data, rstd: rstd2.data)
    conv2.forward(s2.data, batch: N, side: side, out: out.data, layouts: Self.blockedToPlanar, ws: ws.conv)
    if let skip {
      skip.forward(xb.data, batch: N, side: side, out: ws.t0.data, layouts: Self.blockedToPlanar, ws: ws.conv)
      Kernels.add(ws.t0.data, into: out.data, N * cout * plane)
    } else {
      Kernels.add(x, into: out.data, N * cout * plane)
    }
  }

  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>) {
    let N = step.batch, ws = step.ws, t0 = ws.t0.data, t1 = ws.t1.data, dE = ws.dEmbProj.data
    // out_layers and emb_layers (blocked from here on)
    conv2.backward(dOut, x: s2.data, batch: N, side: side, dx: t0, layouts: Self.blockedToPlanar, ws: ws.conv)
    outNorm.backward(t0, x: h1.data, batch: N, mean: mean2.data, rstd: rstd2.data, dScale: dE, dShift: dE + cout,
                     dWeight: norm2.weight.grad.data, dBias: norm2.bias.grad.data, channelSums: ws.channelSums.data)
    embProj.backward(dE, x: step.emb, rows: N, dx: step.dEmb, accumulate: true)
    // in_layers, then back to NCHW onto the skip path's gradient
    conv1.backward(t0, x: s1.data, batch: N, side: side, dx: t1, layouts: Self.blockedToBlocked, ws: ws.conv)
    inNorm.backward(t1, x: xb.data, batch: N, mean: mean1.data, rstd: rstd1.data, dScale: nil, dShift: nil,
                dWeight: norm1.weight.grad.data, dBias: norm1.bias.grad.data, channelSums: ws.channelSums.data)
    // skip path: a 1×1 convolution adds its input gradient to the branch's while still blocked; identity adds
    // dOut during the one reorder back to NCHW
    if let skip {
      skip.backward(dOut, x: xb.data, batch: N, side: side, dx: t1, accumulate: true, layouts: Self.blockedToPlanar,
                    ws: ws.conv)
    } else {
      dx.update(from: dOut, count: N * cin * plane)
    }
    LayoutReorder.convert(t1, .blocked, to: dx, .planar, batch: N, channels: cin, plane: plane,
                          accumulate: skip == nil, workspace: ws.conv)
  }
}
