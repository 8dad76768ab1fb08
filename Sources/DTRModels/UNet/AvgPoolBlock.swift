import DTREngine

/// ADM's `Downsample` without a convolution: 2×2 average pooling (ceil mode on odd sides).
final class AvgPoolBlock: UNetModule {
  let channels: Int, side: Int, outSide: Int
  private var capacity = 0
  private(set) var out = Tensor([0])

  init(channels: Int, side: Int) {
    (self.channels, self.side, outSide) = (channels, side, AvgPool2xOp.outputSize(side))
  }

  func initialize(_ rng: inout SplitMix64) {}

  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    out = Tensor([n * channels * outSide * outSide])
  }

  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep) {
    AvgPool2xOp.forward(x: x, planes: step.batch * channels, height: side, width: side, out: out.data)
  }

  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>) {
    AvgPool2xOp.backward(dOut: dOut, planes: step.batch * channels, height: side, width: side, dx: dx)
  }
}
