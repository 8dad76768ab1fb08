/// Conversions between images `[N, C, H, W]` and token sequences of non-overlapping p×p patches,
/// tokens in row-major patch order.
///
/// - ``patchify``: token features in `(c, ky, kx)` order, the flattening of a PyTorch conv weight
///   `[D, C, p, p]`, so a patch embedding is patchify + ``LinearOp``.
/// - ``unpatchify``: token features in `(ky, kx, c)` order, DiT's `unpatchify`
///   (`[N, h, w, p, p, c] → [N, c, h·p, w·p]`).
/// Both are permutations; their backward passes are the inverse permutations.
public enum PatchOp {
  /// Which feature order a token uses.
  public enum Order: Sendable { case channelFirst, channelLast }

  /// Image → tokens (`channelFirst`, for the patch embedding).
  public static func patchify(
    image: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int, patch: Int,
    tokens: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      permute(batch: batch, channels: channels, height: height, width: width, patch: patch, order: .channelFirst) {
        tokens[$0] = image[$1]
      }
    }
  }

  /// Gradient of ``patchify``: tokens' gradient → image gradient (overwritten).
  public static func patchifyBackward(
    dTokens: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int, patch: Int,
    dImage: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      permute(batch: batch, channels: channels, height: height, width: width, patch: patch, order: .channelFirst) {
        dImage[$1] = dTokens[$0]
      }
    }
  }

  /// Tokens (`channelLast`) → image (DiT's final unpatchify).
  public static func unpatchify(
    tokens: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int, patch: Int,
    image: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      permute(batch: batch, channels: channels, height: height, width: width, patch: patch, order: .channelLast) {
        image[$1] = tokens[$0]
      }
    }
  }

  /// Gradient of ``unpatchify``.
  public static func unpatchifyBackward(
    dImage: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int, patch: Int,
    dTokens: UnsafeMutablePointer<Float>
  ) {
    Profiler.time(.elementwise) {
      permute(batch: batch, channels: channels, height: height, width: width, patch: patch, order: .channelLast) {
        dTokens[$0] = dImage[$1]
      }
    }
  }

  /// Calls `move(tokenIndex, imageIndex)` for every element.
  @inline(__always)
  static func permute(
    batch: Int, channels: Int, height: Int, width: Int, patch p: Int, order: Order, _ move: (Int, Int) -> Void
  ) {
    let gh = height / p, gw = width / p, feat = channels * p * p
    precondition(gh * p == height && gw * p == width, "image \(height)×\(width) not divisible by patch \(p)")
    for n in 0..<batch {
      for i in 0..<gh {
        for j in 0..<gw {
          let tok = (n * gh * gw + i * gw + j) * feat
          for c in 0..<channels {
            for ky in 0..<p {
              for kx in 0..<p {
                let f = order == .channelFirst ? (c * p + ky) * p + kx : (ky * p + kx) * channels + c
                move(tok + f, ((n * channels + c) * height + i * p + ky) * width + j * p + kx)
              }
            }
          }
        }
      }
    }
  }
}
