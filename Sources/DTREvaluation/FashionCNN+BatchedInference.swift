import DTRData
import DTREngine
import DTRMetrics

extension FashionCNN {
  /// Features `[N, D]` and logits `[N, C]` of `count` images, run in batches of ``maxBatch``;
  /// `fill(batch, start, n)` writes images `start..<start+n` into the `[n, 1, 28, 28]` batch tensor.
  func featuresAndLogits(count: Int, fill: (Tensor, Int, Int) -> Void) -> (features: FeatureMatrix, logits: FeatureMatrix) {
    precondition(count >= 1, "no images to evaluate")
    var features = [Double](repeating: 0, count: count * shape.hidden)
    var logits = [Double](repeating: 0, count: count * shape.classes)
    let batchTensor = Tensor([maxBatch, 1, 28, 28])
    for start in stride(from: 0, to: count, by: maxBatch) {
      let n = min(maxBatch, count - start)
      batchTensor.reshape([n, 1, 28, 28])
      fill(batchTensor, start, n)
      forward(batchTensor)
      for i in 0..<(n * shape.hidden) { features[start * shape.hidden + i] = Double(self.features.data[i]) }
      for i in 0..<(n * shape.classes) { logits[start * shape.classes + i] = Double(self.logits.data[i]) }
    }
    return (FeatureMatrix(rows: count, columns: shape.hidden, values: features),
            FeatureMatrix(rows: count, columns: shape.classes, values: logits))
  }

  /// Features and logits of every image of `dataset` (8-bit pixels, scaled as the models see them).
  public func featuresAndLogits(of dataset: ImageDataset) -> (features: FeatureMatrix, logits: FeatureMatrix) {
    featuresAndLogits(count: dataset.count) { batch, start, n in
      EvaluatorPixels.fill(batch, from: dataset, start: start, count: n)
    }
  }

  /// Fraction of `dataset`'s images whose largest logit is their label.
  public func accuracy(on dataset: ImageDataset) -> Double {
    let logits = featuresAndLogits(of: dataset).logits
    var correct = 0
    for i in 0..<dataset.count {
      let row = logits.values[(i * shape.classes)..<((i + 1) * shape.classes)]
      if row.indices.max(by: { row[$0] < row[$1] })! - i * shape.classes == Int(dataset.labels[i]) { correct += 1 }
    }
    return Double(correct) / Double(dataset.count)
  }
}
