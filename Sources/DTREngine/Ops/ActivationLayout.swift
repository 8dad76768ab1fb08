import CDNNL

/// How an activation `[N, C, H, W]` is laid out in memory.
///
/// oneDNN's direct convolutions compute in a channel-blocked layout, `[N, ⌈C/b⌉, H, W, b]` (`nChw16c` on
/// AVX-512, `nChw8c` otherwise), and an operand handed to them in any other layout is reordered first.
/// Code that keeps the activations between two convolutions blocked (the UNet's residual blocks) skips
/// those reorders. The channel count is padded up to a multiple of b with lanes that hold zeros.
public enum ActivationLayout: Hashable, Sendable {
  /// `[N, C, H, W]`, PyTorch's NCHW.
  case planar
  /// `[N, ⌈C/b⌉, H, W, b]` with b = ``blockWidth``.
  case blocked

  /// The channel block b of ``blocked``: the width of one vector register in floats, as oneDNN picks it.
  public static let blockWidth = CPUFeatures.current().hasAVX512Core ? 16 : 8

  /// Channels as stored: `channels` for ``planar``, rounded up to a multiple of ``blockWidth`` for
  /// ``blocked``.
  public func storedChannels(_ channels: Int) -> Int {
    switch self {
    case .planar: channels
    case .blocked: Self.padded(channels, toBlock: Self.blockWidth)
    }
  }

  /// `channels` rounded up to a multiple of `block`.
  public static func padded(_ channels: Int, toBlock block: Int) -> Int { (channels + block - 1) / block * block }

  /// oneDNN's format tag for a 4-D activation.
  var tag: dnnl_format_tag_t {
    switch self {
    case .planar: dnnl_nchw
    case .blocked: Self.blockWidth == 16 ? dnnl_nChw16c : dnnl_nChw8c
    }
  }
}
