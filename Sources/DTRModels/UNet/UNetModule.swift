import DTREngine

/// What a UNet module reads besides its input: the batch, the conditioning and the shared scratch.
struct UNetStep {
  /// Images in the batch.
  let batch: Int
  /// Each image's original timestep (rows of the routing tables).
  let timesteps: [Int]
  /// SiLU(emb), `[N, E]`: the input of every residual block's `emb_layers.1`.
  let emb: UnsafePointer<Float>
  /// dL/d SiLU(emb), `[N, E]`, accumulated by the residual blocks' backward.
  let dEmb: UnsafeMutablePointer<Float>
  /// Scratch shared by all modules.
  let ws: UNetWorkspace
}

/// One module of the UNet (a convolution, residual block, attention block or resampler) mapping NCHW
/// activations to NCHW activations. It keeps its output and whatever its backward needs in buffers sized
/// for the largest batch seen, and remembers where its last input was.
protocol UNetModule: AnyObject {
  /// The output of the last forward.
  var out: Tensor { get }
  /// Seeded initialisation of the module's parameters (PyTorch defaults, zero where ADM zeroes).
  func initialize(_ rng: inout SplitMix64)
  /// Grows the module's buffers to `batch` images (never shrinks).
  func reserve(batch: Int)
  /// Forward from `x`, whose storage must stay unchanged until the matching backward.
  func forward(_ x: UnsafePointer<Float>, _ step: UNetStep)
  /// Given dL/d(out), accumulates parameter gradients and writes dL/dx into `dx` (overwritten; never
  /// aliasing `dOut` or the workspace's scratch).
  func backward(_ dOut: UnsafePointer<Float>, _ step: UNetStep, dx: UnsafeMutablePointer<Float>)
}

/// Scratch memory shared by the modules of one UNet: two activation-sized temporaries for the modules'
/// own use, the convolution workspace, and the per-kind buffers of normalisation, conditioning and
/// attention backward. Grown once for the largest batch, so steady-state steps allocate nothing.
final class UNetWorkspace {
  let conv = Conv2DWorkspace()
  private(set) var t0 = Tensor([0]), t1 = Tensor([0])
  private(set) var channelSums = Tensor([0]), dEmbProj = Tensor([0])
  private(set) var dqkv = Tensor([0]), attnScratch = Tensor([0])
  private var batchCapacity = 0

  /// Sizes for `batch` images whose largest activation has `activation` floats per image, widest layer
  /// `channels`, largest attention input `attention` floats per image (channels × pixels) and most
  /// attention pixels `tokens`.
  func reserve(batch: Int, activation: Int, channels: Int, attention: Int, tokens: Int) {
    guard batch > batchCapacity else { return }
    batchCapacity = batch
    t0 = Tensor([batch * activation]); t1 = Tensor([batch * activation])
    channelSums = Tensor([2 * batch * channels]); dEmbProj = Tensor([batch * 2 * channels])
    dqkv = Tensor([batch * 3 * attention]); attnScratch = Tensor([AttentionOp.scratchCount(tokens: tokens)])
  }
}
