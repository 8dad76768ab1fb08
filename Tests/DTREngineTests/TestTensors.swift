import DTREngine

/// A tensor of seeded standard-normal values scaled by `std`.
func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
  let t = Tensor(shape)
  var rng = SplitMix64(seed: seed)
  rng.fillNormal(t.data, count: t.count, std: std)
  return t
}
