/// A block of a network that reads a routed input: its parameter-name prefix and the channels its
/// `[T, C]` routing table covers.
public struct RoutedBlock: Sendable, Equatable {
  /// Parameter prefix (`blocks.3`, `input_blocks.4.0`, `middle_block.0`, …).
  public let name: String
  /// Channels C of the block's routing table.
  public let channels: Int

  /// A routed block.
  public init(name: String, channels: Int) {
    self.name = name
    self.channels = channels
  }
}

extension ModelConfig {
  /// Every routed block in network order: a DiT's `blocks.i` (all ``hidden`` wide), a UNet's residual
  /// blocks (each on its input width; docs/unet.md).
  public var routedBlocks: [RoutedBlock] {
    switch arch {
    case .dit: return (0..<depth).map { RoutedBlock(name: "blocks.\($0)", channels: hidden) }
    case .unet:
      let layout = UNetLayout(self)
      return (layout.input + [layout.middle] + layout.output).flatMap { b in
        b.modules.compactMap { e -> RoutedBlock? in
          if case .res(let cin, _, _) = e.module { return RoutedBlock(name: e.prefix, channels: cin) }
          return nil
        }
      }
    }
  }

  /// The routing table of every routed block (``routedBlocks`` order) for this configuration's routing,
  /// α and β. DTR gives every block of one width the same table; random routing gives block b its own
  /// table seeded `routingSeed &+ b`; `none` gives all-ones tables.
  public func routingTables() -> [RoutingMask] {
    var shared: [Int: RoutingMask] = [:]  // DTR and `none`: one table per width, shared (copy-on-write)
    return routedBlocks.enumerated().map { b, block in
      if routing != .random, let table = shared[block.channels] { return table }
      let table = RoutingMask.tables(kind: routing, blocks: 1, timesteps: timesteps, channels: block.channels,
                                     alpha: alpha, beta: beta, seed: routingSeed &+ UInt64(b))[0]
      shared[block.channels] = table
      return table
    }
  }
}
