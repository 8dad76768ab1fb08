#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax cross-entropy of logits `[rows, classes]` against integer labels, averaged over rows.
///
/// Forward subtracts each row's maximum before exponentiating (with ``FastMath/exp(_:)``, so the row loop
/// vectorises), keeps the probabilities for backward and sums the loss in double precision. Rows are few
/// (a batch) and short (classes), so both passes run on one core.
public enum CrossEntropyOp {
  /// Returns `mean_r(−log softmax(logits_r)[label_r])` and writes the softmax probabilities to `probs`.
  public static func forward(
    logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
    probs: UnsafeMutablePointer<Float>
  ) -> Float {
    var total: Double = 0
    for r in 0..<rows {
      let z = logits + r * classes, p = probs + r * classes
      let label = Int(labels[r])
      precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
      var top = z[0]
      for k in 1..<classes { top = max(top, z[k]) }
      for k in 0..<classes { p[k] = FastMath.exp(z[k] - top) }
      let sum = Kernels.sum(p, classes)
      Kernels.scale(p, classes, by: 1 / sum)
      total += log(Double(sum)) - Double(z[label] - top)
    }
    return Float(total / Double(rows))
  }

  /// `dLogits = dLoss·(probs − onehot(labels))/rows`, overwritten (or added to when `accumulate`).
  public static func backward(
    probs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int, dLoss: Float = 1,
    dLogits: UnsafeMutablePointer<Float>, accumulate: Bool = false
  ) {
    let scale = dLoss / Float(rows)
    for r in 0..<rows {
      let p = probs + r * classes, d = dLogits + r * classes
      if accumulate {
        for k in 0..<classes { d[k] += scale * p[k] }
      } else {
        for k in 0..<classes { d[k] = scale * p[k] }
      }
      d[Int(labels[r])] -= scale
    }
  }
}
