extension ModelConfig {
  /// The one rule for α and β, used by the CLI, the workbench's editor, the trainer and `dtr masks`:
  /// why (alpha, beta) cannot route this network, or nil when they can.
  ///
  /// α must be a positive finite number and β lie in (0, 1]; and every routed block must keep at least one
  /// channel on: its table activates ⌊C·β⌋ of its C channels (dtr-spec.md §2), so the narrowest routed
  /// block decides.
  public func routingError(alpha: Double, beta: Double) -> String? {
    if !(alpha > 0) || !alpha.isFinite { return "alpha must be a number > 0 (got \(alpha))" }
    if !(beta > 0 && beta <= 1) { return "beta must be in (0, 1] (got \(beta))" }
    guard routing != .none, let narrowest = routedBlocks.min(by: { $0.channels < $1.channels }) else { return nil }
    if Int(Double(narrowest.channels) * beta) < 1 {
      let least = 1 / Double(narrowest.channels)
      return "beta \(beta) leaves no channel on in \(narrowest.name) (\(narrowest.channels) channels); "
        + "use beta ≥ \(String(format: "%.4g", least))"
    }
    return nil
  }
}
