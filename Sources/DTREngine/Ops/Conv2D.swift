import CDNNL

/// 2-D convolution by oneDNN's direct convolution kernels (JIT-compiled for the CPU's AVX-512, AVX2 …).
///
/// Each shape's primitives are created once per workspace (``Conv2DPlan``). Operands cross between the
/// caller's NCHW activations / OIHW weights and the layouts oneDNN picks for itself (blocked channels,
/// e.g. `nChw16c`) by reorders into the workspace's scratch buffers; an operand already in the chosen
/// layout is passed as it is. Backward runs the backward-weights primitive (which also sums the bias
/// gradient) and then the backward-data one; nothing is saved by forward.
public enum Conv2DOp {
  /// Scratch slots of ``Conv2DWorkspace``: an input operand, the output of the primitive, the gradient of
  /// the output, weights, weight gradient and bias (gradient or zeros).
  private static let inSlot = 0, outSlot = 1, gradSlot = 2, weightSlot = 3, weightGradSlot = 4, biasSlot = 5

  /// `out[N, Cout, Hout, Wout] = conv(x[N, Cin, H, W], weight) + bias`.
  public static func forward(
    x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    out: UnsafeMutablePointer<Float>, workspace ws: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      let p = ws.plan(s)
      let src = operand(x, p.src, as: p.fSrc, slot: inSlot, p, ws)
      let w = operand(weight, p.weights, as: p.fWeights, slot: weightSlot, p, ws)
      let b: UnsafeMutableRawPointer
      if let bias {
        b = UnsafeMutableRawPointer(mutating: bias)
      } else {
        b = ws.scratch(biasSlot, for: p.bias)
        b.initializeMemory(as: Float.self, repeating: 0, count: s.outChannels)
      }
      result(into: out, p.dst, from: p.fDst, slot: outSlot, accumulate: false, p, ws) { dst in
        DNNLRuntime.execute(p.forward, ws.stream, [(DNNL_ARG_SRC, p.fSrc, src), (DNNL_ARG_WEIGHTS, p.fWeights, w),
                                                   (DNNL_ARG_BIAS, p.bias, b), (DNNL_ARG_DST, p.fDst, dst)])
      }
    }
  }

  /// Gradients of ``forward(x:shape:weight:bias:out:workspace:)``: `dWeight` and `dBias` accumulate (`+=`);
  /// `dx` (when wanted) is overwritten, or added to when `accumulate` is set.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?, workspace ws: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      let p = ws.plan(s)
      let src = operand(x, p.src, as: p.wSrc, slot: inSlot, p, ws)
      var dy = operand(dOut, p.dst, as: p.wDiffDst, slot: gradSlot, p, ws)
      let db = ws.scratch(biasSlot, for: p.bias)
      result(into: dWeight, p.weights, from: p.wDiffWeights, slot: weightGradSlot, accumulate: true, p, ws) { dw in
        DNNLRuntime.execute(p.backwardWeights, ws.stream,
                            [(DNNL_ARG_SRC, p.wSrc, src), (DNNL_ARG_DIFF_DST, p.wDiffDst, dy),
                             (DNNL_ARG_DIFF_WEIGHTS, p.wDiffWeights, dw), (DNNL_ARG_DIFF_BIAS, p.bias, db)])
      }
      if let dBias {
        let g = db.assumingMemoryBound(to: Float.self)
        for c in 0..<s.outChannels { dBias[c] += g[c] }
      }
      guard let dx else { return }
      if !DNNLRuntime.same(p.dDiffDst, p.wDiffDst) { dy = operand(dOut, p.dst, as: p.dDiffDst, slot: gradSlot, p, ws) }
      let w = operand(weight, p.weights, as: p.dWeights, slot: weightSlot, p, ws)
      result(into: dx, p.src, from: p.dDiffSrc, slot: outSlot, accumulate: accumulate, p, ws) { dsrc in
        DNNLRuntime.execute(p.backwardData, ws.stream, [(DNNL_ARG_DIFF_DST, p.dDiffDst, dy),
                                                        (DNNL_ARG_WEIGHTS, p.dWeights, w),
                                                        (DNNL_ARG_DIFF_SRC, p.dDiffSrc, dsrc)])
      }
    }
  }

  /// The caller's `data` (layout `user`) as the primitive wants it (layout `wanted`): the same storage when
  /// the layouts agree, else reordered into scratch `slot`.
  private static func operand(_ data: UnsafePointer<Float>, _ user: dnnl_memory_desc_t, as wanted: dnnl_memory_desc_t,
                              slot: Int, _ p: Conv2DPlan, _ ws: Conv2DWorkspace) -> UnsafeMutableRawPointer {
    let raw = UnsafeMutableRawPointer(mutating: data)
    if DNNLRuntime.same(user, wanted) { return raw }
    let to = ws.scratch(slot, for: wanted)
    DNNLRuntime.execute(p.reorder(from: user, to: wanted, accumulate: false), ws.stream,
                        [(DNNL_ARG_FROM, user, raw), (DNNL_ARG_TO, wanted, to)])
    return to
  }

  /// Runs `body` on storage in the primitive's layout `produced` and delivers it into the caller's `data`
  /// (layout `user`), overwriting or (with `accumulate`) adding. The primitive writes straight into `data`
  /// when the layouts agree and nothing is to be added.
  private static func result(into data: UnsafeMutablePointer<Float>, _ user: dnnl_memory_desc_t,
                             from produced: dnnl_memory_desc_t, slot: Int, accumulate: Bool, _ p: Conv2DPlan,
                             _ ws: Conv2DWorkspace, _ body: (UnsafeMutableRawPointer) -> Void) {
    let same = DNNLRuntime.same(user, produced)
    if same && !accumulate { return body(UnsafeMutableRawPointer(data)) }
    let tmp = ws.scratch(slot, for: produced)
    body(tmp)
    if same {
      let t = tmp.assumingMemoryBound(to: Float.self), n = DNNLRuntime.bytes(user) / 4
      Parallel.forRange(n, minChunk: 1 << 16) { i0, i1 in for i in i0..<i1 { data[i] += t[i] } }
    } else {
      DNNLRuntime.execute(p.reorder(from: produced, to: user, accumulate: accumulate), ws.stream,
                          [(DNNL_ARG_FROM, produced, tmp), (DNNL_ARG_TO, user, UnsafeMutableRawPointer(data))])
    }
  }
}
