/// Geometry of a batched 2-D convolution: NCHW activations, PyTorch `[Cout, Cin, kh, kw]` weights, one
/// stride and one zero padding for both spatial axes.
public struct Conv2DShape: Sendable, Hashable, CustomStringConvertible {
  /// Images in the batch (N).
  public var batch: Int
  /// Input channels (Cin).
  public var inChannels: Int
  /// Output channels (Cout).
  public var outChannels: Int
  /// Input height (H).
  public var height: Int
  /// Input width (W).
  public var width: Int
  /// Kernel height (kh).
  public var kernelHeight: Int
  /// Kernel width (kw).
  public var kernelWidth: Int
  /// Step between output positions, in input pixels.
  public var stride: Int
  /// Zero rows/columns added on every side of the input.
  public var padding: Int

  /// A convolution with a `kernel`×`kernel` window.
  public init(batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int,
              stride: Int = 1, padding: Int = 0) {
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.height = height
    self.width = width
    self.kernelHeight = kernel
    self.kernelWidth = kernel
    self.stride = stride
    self.padding = padding
    precondition(batch > 0 && inChannels > 0 && outChannels > 0 && stride > 0 && padding >= 0, "bad conv \(self)")
    precondition(outHeight > 0 && outWidth > 0, "kernel larger than padded input in \(self)")
  }

  /// Output height, `⌊(H + 2·pad − kh)/stride⌋ + 1`.
  public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  /// Output width, `⌊(W + 2·pad − kw)/stride⌋ + 1`.
  public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Output pixels per channel.
  public var outPlane: Int { outHeight * outWidth }
  /// Weights per output channel, `Cin·kh·kw`.
  public var patchSize: Int { inChannels * kernelHeight * kernelWidth }
  /// Elements of the input `[N, Cin, H, W]`.
  public var inputCount: Int { batch * inChannels * height * width }
  /// Elements of the output `[N, Cout, Hout, Wout]`.
  public var outputCount: Int { batch * outChannels * outPlane }
  /// Elements of the weight `[Cout, Cin, kh, kw]`.
  public var weightCount: Int { outChannels * patchSize }
  /// Floating-point operations of the forward pass (backward is twice this).
  public var forwardFlops: Double { 2 * Double(outChannels) * Double(patchSize) * Double(batch * outPlane) }

  /// A compact description, e.g. `N128 64→64 28×28 k3×3 s1 p1`.
  public var description: String {
    "N\(batch) \(inChannels)→\(outChannels) \(height)×\(width) k\(kernelHeight)×\(kernelWidth) s\(stride) p\(padding)"
  }
}
