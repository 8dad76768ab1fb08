import DTRModels

/// The mask tables the panel draws, with the α/β they were made from.
public struct MaskSource: Sendable {
  /// One table per routed block.
  public var tables: [RoutingMask]
  /// The routed blocks, parallel to ``tables``.
  public var blocks: [RoutedBlock]
  /// How many of the blocks the panel steps through (1 when every block has the same table).
  public var browsable: Int
  public var kind: RoutingKind
  public var alpha, beta: Double
  /// True when these are the staged (not yet applied) α/β being previewed.
  public var isPreview: Bool

  /// A source.
  public init(tables: [RoutingMask], blocks: [RoutedBlock], browsable: Int, kind: RoutingKind, alpha: Double,
              beta: Double, isPreview: Bool = false) {
    self.tables = tables
    self.blocks = blocks
    self.browsable = browsable
    self.kind = kind
    self.alpha = alpha
    self.beta = beta
    self.isPreview = isPreview
  }

  /// The tables for a run's configuration at `alpha`, `beta` (nil while the config lacks a size).
  public static func make(config: WorkbenchModel.Config?, alpha: Double?, beta: Double?,
                          isPreview: Bool = false) -> MaskSource? {
    guard let c = config, var m = c.model else { return nil }
    let a = alpha ?? m.alpha, b = beta ?? m.beta
    guard m.routingError(alpha: a, beta: b) == nil else { return nil }
    (m.alpha, m.beta) = (a, b)
    return MaskSource(tables: m.routingTables(), blocks: m.routedBlocks, browsable: c.browsableBlocks, kind: m.routing,
                      alpha: a, beta: b, isPreview: isPreview)
  }
}
