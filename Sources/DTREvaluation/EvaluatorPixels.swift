import DTRData
import DTREngine

/// The one pixel convention of the evaluator: 8-bit values v map to v/127.5 − 1 (as ``DataLoader``
/// feeds the diffusion models), and generated images are clamped to [−1, 1] and rounded to the nearest
/// of those 256 levels first, so real and generated images reach the network through identical steps.
public enum EvaluatorPixels {
  /// `v/127.5 − 1` for every byte value.
  static let levels: [Float] = (0...255).map { Float($0) / 127.5 - 1 }

  /// The 8-bit value of a model output `x`: clamp to [−1, 1], map to [0, 255], round (NaN → 0).
  @inline(__always)
  public static func quantise(_ x: Float) -> UInt8 {
    let v = ((min(max(x, -1), 1) + 1) * 127.5).rounded()
    return v.isNaN ? 0 : UInt8(v)
  }

  /// Writes images `start..<start+n` of `dataset` into `out` (`[n, 1, 28, 28]`) as network input.
  static func fill(_ out: Tensor, from dataset: ImageDataset, start: Int, count n: Int) {
    let size = dataset.height * dataset.width
    dataset.pixels.withUnsafeBufferPointer { pixels in
      for i in 0..<(n * size) { out.data[i] = levels[Int(pixels[start * size + i])] }
    }
  }

  /// Writes images `start..<start+n` of `images` (`[N, 1, 28, 28]`, any real values) into `out`,
  /// clamped and quantised to 8 bits.
  static func fill(_ out: Tensor, fromGenerated images: Tensor, start: Int, count n: Int) {
    let size = images.count / images.shape[0]
    let src = images.data + start * size
    for i in 0..<(n * size) { out.data[i] = levels[Int(quantise(src[i]))] }
  }
}
