import DTRData
import DTRDiffusion
import DTREngine
import DTRModels

/// The evaluation of a captioned model (``CaptionProbe``, behind `dtr eval --task captions` and the
/// evaluations of a captions run): caption layouts drawn half from combinations seen in training and half
/// with a held-out (class, slot) pair, one sample per caption through the one sampling path
/// (``SampleGenerator``), scored by ``CaptionScorer``.
public enum CaptionEvaluation {
  /// `count` layouts from the caption grammar, seeded: the first ⌈count/2⌉ seen in training
  /// (``HeldOutPolicy/exclude``), the rest with a held-out pair (``HeldOutPolicy/only``). Only layouts
  /// are drawn; `dataset` (any split with all ten classes) is what the generator is built over.
  public static func layouts(count: Int, seed: UInt64, dataset: ImageDataset) -> [CanvasLayout] {
    let seen = CaptionCanvasGenerator(dataset: dataset, seed: seed, heldOut: .exclude)
    let heldOut = CaptionCanvasGenerator(dataset: dataset, seed: seed &+ 1, heldOut: .only)
    let half = (count + 1) / 2
    return (0..<count).map { $0 < half ? seen.nextLayout() : heldOut.nextLayout() }
  }

  /// One sample of each layout's caption, `[layouts.count, 1, 28, 56]`, with `generator` (its seed,
  /// sampler, guidance and batch size). Throws `CancellationError` once `isCancelled` answers true.
  public static func sample(model: any DenoisingNetwork, schedule: NoiseSchedule, layouts: [CanvasLayout],
                            generator: SampleGenerator, progress: ((Int, Int) -> Void)? = nil,
                            isCancelled: (() -> Bool)? = nil) throws -> Tensor {
    let table = CaptionTable(captions: try layouts.map { try CaptionVocabulary.encode($0.caption) })
    let labels = layouts.indices.map(CaptionTable.label(ofCaption:))
    return try generator.generate(model: model, schedule: schedule, labels: labels, captions: table, progress: progress,
                                isCancelled: isCancelled)
  }
}
