extension ModelConfig {
  /// Width of the UNet's time embedding (ADM: 4 × base channels).
  public var unetEmbedChannels: Int { 4 * baseChannels }

  var unetValidationError: String? {
    if inputSize < 1 || inChannels < 1 { return "input size and channels must be ≥ 1" }
    if baseChannels < 2 || baseChannels % 2 != 0 {
      return "baseChannels \(baseChannels) must be even and ≥ 2 (sinusoidal timestep features)"
    }
    if channelMult.isEmpty || channelMult.contains(where: { $0 < 1 }) { return "channelMult must be non-empty, all ≥ 1" }
    if blocksPerLevel < 1 { return "blocksPerLevel must be ≥ 1" }
    if groups < 1 { return "groups must be ≥ 1" }
    if headChannels < 1 { return "headChannels must be ≥ 1" }
    let modules = UNetLayout(self).modules
    for case .attention(let c, _) in modules where c % headChannels != 0 {
      return "attention width \(c) must be divisible by headChannels \(headChannels)"
    }
    return nil  // β against the narrowest routed block: ``routingError(alpha:beta:)``
  }

  var unetForwardFLOPs: Double {
    let layout = UNetLayout(self), E = Double(unetEmbedChannels)
    func conv(_ cin: Int, _ cout: Int, _ k: Int, _ outSide: Int) -> Double {
      2 * Double(cin * cout * k * k * outSide * outSide)
    }
    var total = 2 * (Double(baseChannels) * E + E * E)
    total += conv(layout.headChannels, inChannels, 3, inputSize)
    for m in layout.modules {
      switch m {
      case .conv(let i, let o, _, _): total += conv(i, o, 3, m.outSide)
      case .res(let i, let o, let s):
        total += conv(i, o, 3, s) + conv(o, o, 3, s) + (i == o ? 0 : conv(i, o, 1, s)) + 2 * E * 2 * Double(o)
      case .attention(let c, let s):
        let L = Double(s * s), C = Double(c)
        total += 2 * L * C * 4 * C + 2 * 2 * L * L * C
      case .pool: break
      case .upsample(let c, _, let o): total += conv(c, c, 3, o)
      }
    }
    return total
  }
}
