import CDNNL

/// One worker's share of a ``Conv2DWorkspace``: a oneDNN stream, the primitives of every shape this lane
/// has run (see ``Conv2DPlan``; lanes never share primitives, so their scratchpads never meet) and scratch
/// buffers for operands in oneDNN's blocked layouts, grown on first use and then reused.
final class Conv2DLane {
  private var plans: [PlanKey: Conv2DPlan] = [:]
  private var buffers: [Tensor] = []
  private var layoutReorders: [LayoutKey: (primitive: dnnl_primitive_t, from: dnnl_memory_desc_t, to: dnnl_memory_desc_t)] = [:]
  let stream: dnnl_stream_t

  init() {
    var s: dnnl_stream_t?
    DNNLRuntime.check(dnnl_stream_create(&s, DNNLRuntime.engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
    stream = s!
  }

  deinit {
    plans = [:]
    for r in layoutReorders.values { dnnl_primitive_destroy(r.primitive) }
    dnnl_stream_destroy(stream)
  }

  /// Floats currently allocated in scratch buffers.
  var capacity: Int { buffers.reduce(0) { $0 + $1.capacity } }

  private struct PlanKey: Hashable {
    let shape: Conv2DShape, precision: Precision, layouts: Conv2DLayouts, algorithm: Conv2DAlgorithm
  }

  /// The primitives for `shape` at `precision` with the caller's `layouts` by `algorithm`, created on first use.
  func plan(_ shape: Conv2DShape, _ precision: Precision, _ layouts: Conv2DLayouts,
            _ algorithm: Conv2DAlgorithm) -> Conv2DPlan {
    let key = PlanKey(shape: shape, precision: precision, layouts: layouts, algorithm: algorithm)
    if let p = plans[key] { return p }
    let p = Conv2DPlan(shape, precision: precision, layouts: layouts, algorithm: algorithm)
    plans[key] = p
    return p
  }

  /// A ``LayoutReorder`` of one share: `images` images of `channels` × `plane` from `source` to `target`.
  struct LayoutKey: Hashable {
    let images: Int, channels: Int, plane: Int, source: ActivationLayout, target: ActivationLayout, accumulate: Bool
  }

  /// The reorder primitive (and its two layouts) for `key`, created on first use.
  func layoutReorder(_ key: LayoutKey) -> (primitive: dnnl_primitive_t, from: dnnl_memory_desc_t, to: dnnl_memory_desc_t) {
    if let r = layoutReorders[key] { return r }
    let dims = [key.images, key.channels, key.plane, 1]
    let from = DNNLRuntime.descriptor(dims, key.source.tag), to = DNNLRuntime.descriptor(dims, key.target.tag)
    let r = (DNNLRuntime.reorder(from: from, to: to, accumulate: key.accumulate), from, to)
    layoutReorders[key] = r
    return r
  }

  /// Scratch buffer `slot`, grown to hold memory laid out as `md`.
  func scratch(_ slot: Int, for md: dnnl_memory_desc_t) -> UnsafeMutableRawPointer {
    while buffers.count <= slot { buffers.append(Tensor([0])) }
    let floats = (DNNLRuntime.bytes(md) + 3) / 4
    if buffers[slot].capacity < floats { buffers[slot] = Tensor([floats]) }
    return UnsafeMutableRawPointer(buffers[slot].data)
  }
}
