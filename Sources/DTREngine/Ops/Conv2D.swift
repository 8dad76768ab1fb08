import CDNNL

/// 2-D convolution by oneDNN's direct convolution kernels (JIT-compiled for the CPU's AVX-512, AVX2 …).
///
/// The batch is split into one share per engine worker (``Conv2DWorkspace/lanes``), and each worker runs
/// oneDNN single-threaded on its share with its own primitives and scratch. (oneDNN's own OpenMP team
/// spin-waits between regions and then fights the engine's spinning workers for the cores; measured in
/// docs/performance.md, "Levers weighed" and the quiet oneDNN table.) Each shape's primitives are
/// created once per lane (``Conv2DPlan``). Operands cross between the caller's activations (NCHW, or
/// channel-blocked: ``Conv2DLayouts``) / OIHW weights and the layouts oneDNN picks (blocked channels, e.g.
/// `nChw16c`) by reorders into scratch; an operand already in the chosen layout is passed as it is.
/// Backward runs the backward-weights primitive (which also sums the bias gradient; the shares' partial
/// sums are added at the end) and then the backward-data one; nothing is saved by forward. The
/// workspace's ``Conv2DWorkspace/precision`` chooses fp32 or bf16 operands (``Precision``), its
/// ``Conv2DWorkspace/algorithm`` direct or oneDNN's choice (``Conv2DAlgorithm``).
public enum Conv2DOp {
  /// Scratch slots of a ``Conv2DLane``: an input operand, the output of the primitive, the gradient of
  /// the output, weights, weight gradient, the share's weight gradient in OIHW, bias (gradient or zeros).
  private static let inSlot = 0, outSlot = 1, gradSlot = 2, weightSlot = 3, weightGradSlot = 4, partialSlot = 5,
    biasSlot = 6

  /// `out[N, Cout, Hout, Wout] = conv(x[N, Cin, H, W], weight) + bias`, x and out laid out as `layouts` say.
  public static func forward(
    x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    out: UnsafeMutablePointer<Float>, layouts: Conv2DLayouts = .planar, workspace ws: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      let (inImage, outImage) = imageSizes(s, layouts)
      ws.forEachLane(batch: s.batch) { lane, n0, images in
        let p = lane.plan(share(s, images), ws.precision, layouts, ws.algorithm)
        let src = operand(x + n0 * inImage, p.src, as: p.fSrc, slot: inSlot, p, lane)
        let w = operand(weight, p.weights, as: p.fWeights, slot: weightSlot, p, lane)
        let b: UnsafeMutableRawPointer
        if let bias {
          b = UnsafeMutableRawPointer(mutating: bias)
        } else {
          b = lane.scratch(biasSlot, for: p.bias)
          b.initializeMemory(as: Float.self, repeating: 0, count: s.outChannels)
        }
        result(into: out + n0 * outImage, p.dst, from: p.fDst, slot: outSlot, accumulate: false, p, lane) { dst in
          DNNLRuntime.execute(p.forward, lane.stream, [(DNNL_ARG_SRC, p.fSrc, src), (DNNL_ARG_WEIGHTS, p.fWeights, w),
                                                       (DNNL_ARG_BIAS, p.bias, b), (DNNL_ARG_DST, p.fDst, dst)])
        }
      }
    }
  }

  /// Gradients of ``forward(x:shape:weight:bias:out:layouts:workspace:)``: `dWeight` and `dBias` accumulate (`+=`);
  /// `dx` (when wanted) is overwritten, or added to when `accumulate` is set. x, dx and dOut are laid out as
  /// `layouts` say.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?, layouts: Conv2DLayouts = .planar,
    workspace ws: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      let (inImage, outImage) = imageSizes(s, layouts)
      ws.forEachLane(batch: s.batch) { lane, n0, images in
        let p = lane.plan(share(s, images), ws.precision, layouts, ws.algorithm)
        let src = operand(x + n0 * inImage, p.src, as: p.wSrc, slot: inSlot, p, lane)
        var dy = operand(dOut + n0 * outImage, p.dst, as: p.wDiffDst, slot: gradSlot, p, lane)
        let dw = lane.scratch(partialSlot, for: p.weights).assumingMemoryBound(to: Float.self)
        let db = lane.scratch(biasSlot, for: p.bias)
        result(into: dw, p.weights, from: p.wDiffWeights, slot: weightGradSlot, accumulate: false, p, lane) { diff in
          DNNLRuntime.execute(p.backwardWeights, lane.stream,
                              [(DNNL_ARG_SRC, p.wSrc, src), (DNNL_ARG_DIFF_DST, p.wDiffDst, dy),
                               (DNNL_ARG_DIFF_WEIGHTS, p.wDiffWeights, diff), (DNNL_ARG_DIFF_BIAS, p.bias, db)])
        }
        guard let dx else { return }
        if !DNNLRuntime.same(p.dDiffDst, p.wDiffDst) {
          dy = operand(dOut + n0 * outImage, p.dst, as: p.dDiffDst, slot: gradSlot, p, lane)
        }
        let w = operand(weight, p.weights, as: p.dWeights, slot: weightSlot, p, lane)
        result(into: dx + n0 * inImage, p.src, from: p.dDiffSrc, slot: outSlot, accumulate: accumulate, p, lane) { dsrc in
          DNNLRuntime.execute(p.backwardData, lane.stream, [(DNNL_ARG_DIFF_DST, p.dDiffDst, dy),
                                                            (DNNL_ARG_WEIGHTS, p.dWeights, w),
                                                            (DNNL_ARG_DIFF_SRC, p.dDiffSrc, dsrc)])
        }
      }
      for (lane, _, images) in ws.shares(batch: s.batch) {
        let p = lane.plan(share(s, images), ws.precision, layouts, ws.algorithm)
        add(lane.scratch(partialSlot, for: p.weights), into: dWeight, s.weightCount)
        if let dBias { add(lane.scratch(biasSlot, for: p.bias), into: dBias, s.outChannels) }
      }
    }
  }

  /// Floats per image of the input and of the output as the caller stores them.
  private static func imageSizes(_ s: Conv2DShape, _ layouts: Conv2DLayouts) -> (Int, Int) {
    (layouts.source.storedChannels(s.inChannels) * s.height * s.width,
     layouts.output.storedChannels(s.outChannels) * s.outPlane)
  }

  /// `s` for `images` of its images.
  private static func share(_ s: Conv2DShape, _ images: Int) -> Conv2DShape {
    var t = s
    t.batch = images
    return t
  }

  /// `data[i] += from[i]` for `count` floats.
  private static func add(_ from: UnsafeMutableRawPointer, into data: UnsafeMutablePointer<Float>, _ count: Int) {
    let f = from.assumingMemoryBound(to: Float.self)
    for i in 0..<count { data[i] += f[i] }
  }

  /// The caller's `data` (layout `user`) as the primitive wants it (layout `wanted`): the same storage when
  /// the layouts agree, else reordered into scratch `slot`.
  private static func operand(_ data: UnsafePointer<Float>, _ user: dnnl_memory_desc_t, as wanted: dnnl_memory_desc_t,
                              slot: Int, _ p: Conv2DPlan, _ lane: Conv2DLane) -> UnsafeMutableRawPointer {
    let raw = UnsafeMutableRawPointer(mutating: data)
    if DNNLRuntime.same(user, wanted) { return raw }
    let to = lane.scratch(slot, for: wanted)
    DNNLRuntime.execute(p.reorder(from: user, to: wanted, accumulate: false), lane.stream,
                        [(DNNL_ARG_FROM, user, raw), (DNNL_ARG_TO, wanted, to)])
    return to
  }

  /// Runs `body` on storage in the primitive's layout `produced` and delivers it into the caller's `data`
  /// (layout `user`), overwriting or (with `accumulate`) adding. The primitive writes straight into `data`
  /// when the layouts agree and nothing is to be added.
  private static func result(into data: UnsafeMutablePointer<Float>, _ user: dnnl_memory_desc_t,
                             from produced: dnnl_memory_desc_t, slot: Int, accumulate: Bool, _ p: Conv2DPlan,
                             _ lane: Conv2DLane, _ body: (UnsafeMutableRawPointer) -> Void) {
    let same = DNNLRuntime.same(user, produced)
    if same && !accumulate { return body(UnsafeMutableRawPointer(data)) }
    let tmp = lane.scratch(slot, for: produced)
    body(tmp)
    if same {
      add(tmp, into: data, DNNLRuntime.bytes(user) / 4)
    } else {
      DNNLRuntime.execute(p.reorder(from: produced, to: user, accumulate: accumulate), lane.stream,
                          [(DNNL_ARG_FROM, produced, tmp), (DNNL_ARG_TO, user, UnsafeMutableRawPointer(data))])
    }
  }
}
