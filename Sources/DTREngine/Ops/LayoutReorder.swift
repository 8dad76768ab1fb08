import CDNNL

/// Moves activations `[N, C, P]` (P = H·W pixels) between ``ActivationLayout``s by oneDNN reorders, one share
/// of the batch per engine worker (the lanes of a ``Conv2DWorkspace``). Blocked padding lanes are written
/// as zeros.
public enum LayoutReorder {
  /// `to = from` (or `to += from` with `accumulate`) with `from` laid out as `source` and `to` as `target`.
  public static func convert(
    _ from: UnsafePointer<Float>, _ source: ActivationLayout, to: UnsafeMutablePointer<Float>,
    _ target: ActivationLayout, batch: Int, channels: Int, plane: Int, accumulate: Bool = false,
    workspace ws: Conv2DWorkspace
  ) {
    Profiler.time(.elementwise) {
      let inImage = source.storedChannels(channels) * plane, outImage = target.storedChannels(channels) * plane
      ws.forEachLane(batch: batch) { lane, n0, images in
        let key = Conv2DLane.LayoutKey(images: images, channels: channels, plane: plane, source: source,
                                       target: target, accumulate: accumulate)
        let r = lane.layoutReorder(key)
        DNNLRuntime.execute(r.primitive, lane.stream,
                            [(DNNL_ARG_FROM, r.from, UnsafeMutableRawPointer(mutating: from + n0 * inImage)),
                             (DNNL_ARG_TO, r.to, UnsafeMutableRawPointer(to + n0 * outImage))])
      }
    }
  }
}
