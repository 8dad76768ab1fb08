import DTREngine

/// A 3×3 convolution as a UNet module: the input convolution `input_blocks.0.0` and ADM's stride-2
/// `Downsample.op`.
final class ConvBlock: UNetModule {
  let conv: ConvLayer
  let side: Int, outSide: Int
  private var capacity = 0
  private var input: UnsafePointer<Float>?
  private(set) var out = Tensor([0])

  init(_ store: ParameterStore, _ prefix: String, inChannels: Int, outChannels: Int, side: Int, stride: Int) {
    conv = ConvLayer(store, prefix, inChannels, outChannels, kernel: 3, stride: stride)
    self.side = side
    outSide = (side - 1) / stride + 1
  }

  func initialize(_ rng: inout SplitMix64) { conv.initDefault(&rng) }

  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    out = Tensor([n * conv.outChannels * outSide * outSide])
  }

  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep) {
    input = x
    conv.forward(x, batch: step.batch, side: side, out: out.data, ws: step.ws.conv)
  }

  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>) {
    conv.backward(dOut, x: input!, batch: step.batch, side: side, dx: dx, ws: step.ws.conv)
  }
}
