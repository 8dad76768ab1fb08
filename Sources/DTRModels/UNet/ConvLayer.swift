import DTREngine

/// A square 2-D convolution owning `<prefix>.weight` (`[Cout, Cin, k, k]`) and `<prefix>.bias`, padded by
/// `k/2` (same size at stride 1), run by ``Conv2DOp`` with the model's shared workspace.
final class ConvLayer {
  let weight: Parameter, bias: Parameter
  let inChannels: Int, outChannels: Int, kernel: Int, stride: Int

  init(_ store: ParameterStore, _ prefix: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1) {
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    weight = store.make("\(prefix).weight", [outChannels, inChannels, kernel, kernel])
    bias = store.make("\(prefix).bias", [outChannels])
  }

  /// The geometry for `batch` images of `side × side` pixels.
  func shape(batch: Int, side: Int) -> Conv2DShape {
    Conv2DShape(batch: batch, inChannels: inChannels, outChannels: outChannels, height: side, width: side,
                kernel: kernel, stride: stride, padding: kernel / 2)
  }

  /// `out = conv(x) + b`, x and out laid out as `layouts` say.
  func forward(_ x: UnsafePointer<Float>, batch: Int, side: Int, out: UnsafeMutablePointer<Float>,
               layouts: Conv2DLayouts = .planar, ws: Conv2DWorkspace) {
    Conv2DOp.forward(x: x, shape: shape(batch: batch, side: side), weight: weight.value.data, bias: bias.value.data,
                     out: out, layouts: layouts, workspace: ws)
  }

  /// Accumulates weight and bias gradients; writes (or adds, when `accumulate`) dL/dx into `dx`.
  func backward(_ dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, side: Int,
                dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false, layouts: Conv2DLayouts = .planar,
                ws: Conv2DWorkspace) {
    Conv2DOp.backward(dOut: dOut, x: x, shape: shape(batch: batch, side: side), weight: weight.value.data, dx: dx,
                      accumulate: accumulate, dWeight: weight.grad.data, dBias: bias.grad.data, layouts: layouts,
                      workspace: ws)
  }

  /// PyTorch's default `Conv2d` initialisation (see ``Initializer/torchDefault(weight:bias:fanIn:rng:)``).
  func initDefault(_ rng: inout SplitMix64) {
    Initializer.torchDefault(weight: weight.value, bias: bias.value, fanIn: inChannels * kernel * kernel, rng: &rng)
  }
}

extension Initializer {
  /// PyTorch's default for `Linear`/`Conv` layers, `kaiming_uniform_(a=√5)`: weight and bias uniform in
  /// ±1/√fanIn.
  static func torchDefault(weight: Tensor, bias: Tensor?, fanIn: Int, rng: inout SplitMix64) {
    let bound = 1 / Float(fanIn).squareRoot()
    for t in [weight] + (bias.map { [$0] } ?? []) {
      for i in 0..<t.count { t.data[i] = (rng.nextFloat() * 2 - 1) * bound }
    }
  }
}

extension Linear {
  /// PyTorch's default `Linear` (or 1×1 `Conv1d`) initialisation.
  func initDefault(_ rng: inout SplitMix64) {
    Initializer.torchDefault(weight: weight.value, bias: bias?.value, fanIn: inDim, rng: &rng)
  }
}
