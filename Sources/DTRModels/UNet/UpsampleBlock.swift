import DTREngine

/// ADM's `Upsample` with `use_conv=True`: nearest 2× upsampling to `outSide` (7 → 14 → 28), then a 3×3
/// convolution `<prefix>` (`output_blocks.N.K.conv`).
final class UpsampleBlock: UNetModule {
  let conv: ConvLayer
  let channels: Int, side: Int, outSide: Int
  private var capacity = 0
  private var upsampled = Tensor([0])
  private(set) var out = Tensor([0])

  init(_ store: ParameterStore, _ prefix: String, channels: Int, side: Int, outSide: Int) {
    conv = ConvLayer(store, prefix, channels, channels, kernel: 3)
    (self.channels, self.side, self.outSide) = (channels, side, outSide)
  }

  func initialize(_ rng: inout SplitMix64) { conv.initDefault(&rng) }

  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    upsampled = Tensor([n * channels * outSide * outSide])
    out = Tensor([n * channels * outSide * outSide])
  }

  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep) {
    UpsampleNearest2xOp.forward(x: x, planes: step.batch * channels, height: side, width: side, outHeight: outSide,
                                outWidth: outSide, out: upsampled.data)
    conv.forward(upsampled.data, batch: step.batch, side: outSide, out: out.data, ws: step.ws.conv)
  }

  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>) {
    let t0 = step.ws.t0.data
    conv.backward(dOut, x: upsampled.data, batch: step.batch, side: outSide, dx: t0, ws: step.ws.conv)
    UpsampleNearest2xOp.backward(dOut: t0, planes: step.batch * channels, height: side, width: side,
                                 outHeight: outSide, outWidth: outSide, dx: dx)
  }
}
