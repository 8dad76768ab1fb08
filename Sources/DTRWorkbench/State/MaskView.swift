/// Where the mask panel's cursor is, which block it shows, and how far one cursor move goes.
public struct MaskView: Sendable, Equatable {
  /// Cursor position in the table: timestep row and channel column.
  public var t = 0, c = 0
  /// The routed block shown (random routing has one table per block).
  public var block = 0
  /// Table rows and columns per drawn pixel, recorded by the last draw (one cursor move = one pixel).
  public var rowsPerPixel = 1, colsPerPixel = 1

  /// A view at t = 0, c = 0, block 0.
  public init() {}

  /// Moves the cursor by `dt` and `dc` pixels, clamped to a `timesteps × channels` table.
  public mutating func move(dt: Int, dc: Int, timesteps: Int, channels: Int) {
    t = min(max(t + dt * rowsPerPixel, 0), max(timesteps - 1, 0))
    c = min(max(c + dc * colsPerPixel, 0), max(channels - 1, 0))
  }
}
