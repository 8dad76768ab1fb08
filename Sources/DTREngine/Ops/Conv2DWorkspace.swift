import CDNNL

/// State for ``Conv2DOp``: the oneDNN primitives of every shape seen (see ``Conv2DPlan``), a oneDNN stream
/// and scratch buffers for operands in oneDNN's blocked layouts. Buffers grow on first use and are then
/// reused, so steady-state calls allocate nothing but oneDNN's small memory handles. One workspace may
/// serve any number of convolutions that run one after another on one thread at a time.
public final class Conv2DWorkspace: @unchecked Sendable {
  private var plans: [Conv2DShape: Conv2DPlan] = [:]
  private var buffers: [Tensor] = []
  let stream: dnnl_stream_t

  /// An empty workspace.
  public init() {
    var s: dnnl_stream_t?
    DNNLRuntime.check(dnnl_stream_create(&s, DNNLRuntime.engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
    stream = s!
  }

  deinit {
    plans = [:]
    dnnl_stream_destroy(stream)
  }

  /// Floats currently allocated in scratch buffers.
  public var capacity: Int { buffers.reduce(0) { $0 + $1.capacity } }

  /// The primitives for `shape`, created on first use.
  func plan(_ shape: Conv2DShape) -> Conv2DPlan {
    if let p = plans[shape] { return p }
    let p = Conv2DPlan(shape)
    plans[shape] = p
    return p
  }

  /// Scratch buffer `slot`, grown to hold memory laid out as `md`.
  func scratch(_ slot: Int, for md: dnnl_memory_desc_t) -> UnsafeMutableRawPointer {
    while buffers.count <= slot { buffers.append(Tensor([0])) }
    let floats = (DNNLRuntime.bytes(md) + 3) / 4
    if buffers[slot].capacity < floats { buffers[slot] = Tensor([floats]) }
    return UnsafeMutableRawPointer(buffers[slot].data)
  }
}
