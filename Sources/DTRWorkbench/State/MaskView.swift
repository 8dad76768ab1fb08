import DTRModels

/// Where the mask panel's cursor is, which block it shows, and how far one cursor move goes.
public struct MaskView: Sendable, Equatable {
  /// Cursor position in the table: timestep row and channel column.
  public var t = 0, c = 0
  /// The routed block shown (random routing has one table per block).
  public var block = 0
  /// Table rows and columns per drawn pixel (one cursor move = one pixel), from the last ``fitted``.
  public private(set) var rowsPerPixel = 1, colsPerPixel = 1

  /// A view at t = 0, c = 0, block 0.
  public init() {}

  /// Moves the cursor by `dt` and `dc` pixels, clamped to a `timesteps × channels` table.
  public mutating func move(dt: Int, dc: Int, timesteps: Int, channels: Int) {
    t = min(max(t + dt * rowsPerPixel, 0), max(timesteps - 1, 0))
    c = min(max(c + dc * colsPerPixel, 0), max(channels - 1, 0))
  }

  /// The pixels a `timesteps × channels` table is drawn with in `area` (half-block cells: two pixel
  /// rows per cell row), never more than the table has cells.
  public static func pixels(timesteps: Int, channels: Int, in area: Rect) -> (wide: Int, high: Int) {
    (min(channels, area.width), min(timesteps, area.height * 2))
  }

  /// This view fitted to the first `browsable` of `blocks`, whose tables have `timesteps` rows, drawn in
  /// `area`: the block among them, the cursor inside its table, and one move per drawn pixel (an empty
  /// area keeps the step). The controller stores it before each frame; the panel draws with it.
  public func fitted(blocks: [RoutedBlock], browsable: Int, timesteps: Int, area: Rect) -> MaskView {
    var v = self
    v.block = min(max(block, 0), max(min(browsable, blocks.count), 1) - 1)
    let channels = blocks.indices.contains(v.block) ? blocks[v.block].channels : 1
    v.t = min(max(t, 0), max(timesteps - 1, 0))
    v.c = min(max(c, 0), max(channels - 1, 0))
    let (pw, ph) = Self.pixels(timesteps: timesteps, channels: channels, in: area)
    if pw > 0 && ph > 0 {
      v.colsPerPixel = max(1, (channels + pw - 1) / pw)
      v.rowsPerPixel = max(1, (timesteps + ph - 1) / ph)
    }
    return v
  }
}
