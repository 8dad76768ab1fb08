import DTREngine
import DTRFormats

extension FashionCNN {
  /// The weights as a safetensors file: every parameter as F32 under its name, and `metadata` plus the
  /// layer widths (``FashionCNNShape/metadata``) in `__metadata__`.
  public func weightsFile(metadata: [String: String]) -> SafeTensorsFile {
    var file = SafeTensorsFile(metadata: metadata.merging(shape.metadata) { _, widths in widths })
    for p in parameters.all { file.add(p.name, p.value) }
    return file
  }

  /// A network rebuilt from a file written by ``weightsFile(metadata:)``, with buffers for `maxBatch`.
  public convenience init(loading file: SafeTensorsFile, maxBatch: Int) throws {
    guard let shape = FashionCNNShape(metadata: file.metadata) else {
      throw EvaluatorError("\(file.source): no CNN layer widths (conv1, conv2, hidden, classes) in the metadata; "
        + EvaluatorFiles.fix)
    }
    self.init(shape: shape, maxBatch: maxBatch)
    do {
      for p in parameters.all { try file.copy(p.name, into: p.value) }
    } catch {
      throw EvaluatorError("\(error); \(EvaluatorFiles.fix)")
    }
  }
}
