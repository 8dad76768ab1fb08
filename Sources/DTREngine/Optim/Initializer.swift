/// Seeded parameter initialisers matching PyTorch's definitions.
public enum Initializer {
  /// Xavier/Glorot uniform for a `[fanOut, fanIn]` weight: U(−a, a) with a = √(6/(fanIn+fanOut)).
  public static func xavierUniform(_ t: Tensor, fanIn: Int, fanOut: Int, rng: inout SplitMix64) {
    let a = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
    for i in 0..<t.count { t.data[i] = (rng.nextFloat() * 2 - 1) * a }
  }

  /// Normal(mean, std).
  public static func normal(_ t: Tensor, mean: Float = 0, std: Float, rng: inout SplitMix64) {
    rng.fillNormal(t.data, count: t.count, mean: mean, std: std)
  }

  /// All zeros.
  public static func zeros(_ t: Tensor) { t.zero() }
}
