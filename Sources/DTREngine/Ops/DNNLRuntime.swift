import CDNNL

/// oneDNN's CPU engine and the few C-API calls the engine's convolutions need.
///
/// oneDNN (Debian's libdnnl 2.6) runs its kernels on an OpenMP team, which the engine keeps at one thread
/// because it parallelises convolutions itself (see ``Conv2DWorkspace/forEachLane(batch:_:)``).
/// A failing call is a programming error (an unsupported geometry), reported by
/// name and status.
enum DNNLRuntime {
  /// The process-wide CPU engine.
  nonisolated(unsafe) static let engine: dnnl_engine_t = {
    var e: dnnl_engine_t?
    check(dnnl_engine_create(&e, dnnl_cpu, 0), "dnnl_engine_create")
    return e!
  }()

  /// Stops with the call's name when oneDNN reports an error.
  static func check(_ status: dnnl_status_t, _ call: @autoclosure () -> String) {
    guard status != dnnl_success else { return }
    fatalError("oneDNN \(call()) failed with status \(status.rawValue)")
  }

  /// A plain (`nchw`, `oihw`, `x`) or "any layout" descriptor of `dims` holding `type` (f32 unless told).
  static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t, _ type: dnnl_data_type_t = dnnl_f32)
    -> dnnl_memory_desc_t
  {
    var md = dnnl_memory_desc_t()
    let d = dims.map(Int64.init)
    check(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, type, tag), "dnnl_memory_desc_init_by_tag")
    return md
  }

  /// The descriptor a primitive wants for `query` (e.g. `dnnl_query_src_md`).
  static func query(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t) -> dnnl_memory_desc_t {
    guard let md = dnnl_primitive_desc_query_md(pd, what, 0) else { fatalError("oneDNN primitive has no \(what) memory") }
    return md.pointee
  }

  /// Bytes of memory laid out as `md`.
  static func bytes(_ md: dnnl_memory_desc_t) -> Int {
    withUnsafePointer(to: md) { dnnl_memory_desc_get_size($0) }
  }

  /// Whether two descriptors are the same layout.
  static func same(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
    withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in dnnl_memory_desc_equal(pa, pb) != 0 } }
  }

  /// A primitive (and its descriptor) from an operation descriptor; `hint` is the forward descriptor of a
  /// backward primitive.
  static func primitive(_ opDesc: UnsafeRawPointer, attr: OpaquePointer? = nil, hint: dnnl_primitive_desc_t? = nil)
    -> (dnnl_primitive_desc_t, dnnl_primitive_t)
  {
    var pd: dnnl_primitive_desc_t?, p: dnnl_primitive_t?
    check(dnnl_primitive_desc_create(&pd, opDesc, attr, engine, hint), "dnnl_primitive_desc_create")
    check(dnnl_primitive_create(&p, pd), "dnnl_primitive_create")
    return (pd!, p!)
  }

  /// A reorder from layout `from` to layout `to`; with `accumulate` it adds onto the destination.
  static func reorder(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t, accumulate: Bool) -> dnnl_primitive_t {
    var attr: dnnl_primitive_attr_t?
    check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
    defer { dnnl_primitive_attr_destroy(attr) }
    if accumulate {
      var ops: dnnl_post_ops_t?
      check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
      defer { dnnl_post_ops_destroy(ops) }
      check(dnnl_post_ops_append_sum(ops, 1), "dnnl_post_ops_append_sum")
      check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
    }
    var pd: dnnl_primitive_desc_t?, p: dnnl_primitive_t?
    withUnsafePointer(to: from) { f in
      withUnsafePointer(to: to) { t in
        check(dnnl_reorder_primitive_desc_create(&pd, f, engine, t, engine, attr), "dnnl_reorder_primitive_desc_create")
      }
    }
    defer { dnnl_primitive_desc_destroy(pd) }
    check(dnnl_primitive_create(&p, pd), "dnnl_primitive_create (reorder)")
    return p!
  }

  /// Runs `primitive` on `stream` over `(argument, layout, storage)` triples and waits for it.
  static func execute(_ primitive: dnnl_primitive_t, _ stream: dnnl_stream_t,
                      _ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) {
    var mems: [dnnl_memory_t?] = []
    defer { for m in mems { dnnl_memory_destroy(m) } }
    var execArgs: [dnnl_exec_arg_t] = []
    for (arg, md, data) in args {
      var m: dnnl_memory_t?
      withUnsafePointer(to: md) { check(dnnl_memory_create(&m, $0, engine, data), "dnnl_memory_create") }
      mems.append(m)
      execArgs.append(dnnl_exec_arg_t(arg: arg, memory: m))
    }
    check(dnnl_primitive_execute(primitive, stream, Int32(execArgs.count), execArgs), "dnnl_primitive_execute")
    check(dnnl_stream_wait(stream), "dnnl_stream_wait")
  }
}
