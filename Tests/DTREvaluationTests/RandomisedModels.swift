import DTREngine
import DTRModels

/// The tiny DiT with every trainable weight drawn from N(0, 0.1²): adaLN-Zero's zero-initialised output
/// layer would otherwise predict ε̂ = 0 for every input, and hide any mix-up of inputs, labels or batches.
func randomisedTinyDiT(seed: UInt64) -> any DenoisingNetwork {
  let model = ModelConfig.preset("tiny")!.build(seed: seed)
  var rng = SplitMix64(seed: seed)
  for p in model.parameters.trainable { rng.fillNormal(p.value.data, count: p.value.count, std: 0.1) }
  return model
}
