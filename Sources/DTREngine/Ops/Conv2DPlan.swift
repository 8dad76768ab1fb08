import CDNNL

/// The layouts in which a convolution's caller keeps its activations: `source` for the input and its
/// gradient, `output` for the output and its gradient.
public struct Conv2DLayouts: Hashable, Sendable {
  /// Layout of x and dL/dx.
  public var source: ActivationLayout
  /// Layout of the output and dL/d(output).
  public var output: ActivationLayout

  /// Layouts for the input side and the output side.
  public init(source: ActivationLayout, output: ActivationLayout) {
    self.source = source
    self.output = output
  }

  /// NCHW on both sides.
  public static let planar = Conv2DLayouts(source: .planar, output: .planar)
}

/// How oneDNN computes a convolution.
public enum Conv2DAlgorithm: Hashable, Sendable {
  /// oneDNN's choice per primitive: Winograd F(4×4, 3×3) (`jit_wino_4x3`, AVX-512) for 3×3 stride-1
  /// shapes where its heuristics expect it to be faster, direct convolution otherwise. Winograd does
  /// about 2.25× fewer multiplications; its results stay within 1e-5 relative of direct convolution's
  /// (`Conv2DTests`).
  case auto
  /// Direct convolution only (`dnnl_convolution_direct`).
  case direct

  var dnnl: dnnl_alg_kind_t { self == .auto ? dnnl_convolution_auto : dnnl_convolution_direct }
}

/// The oneDNN primitives of one ``Conv2DShape``: forward, backward-data and backward-weights, created
/// once (creating a primitive compiles its kernel), with the layouts each chose ("any" lets oneDNN pick
/// its blocked layouts, e.g. `nChw16c`) and the reorders between those and the caller's NCHW / OIHW.
/// With ``Precision/bf16`` the operands each primitive reads (source, weights, output gradient) are bf16,
/// so the reorders into its layouts also round them; what it writes (output, input gradient, weight
/// gradient, bias gradient) stays f32.
final class Conv2DPlan {
  /// The caller's layouts: `src`/`dst` as the plan's ``Conv2DLayouts`` say, `weights` OIHW, `bias` a vector.
  let src: dnnl_memory_desc_t, dst: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t
  let forward: dnnl_primitive_t, backwardData: dnnl_primitive_t, backwardWeights: dnnl_primitive_t
  /// Layouts chosen by the forward primitive.
  let fSrc: dnnl_memory_desc_t, fWeights: dnnl_memory_desc_t, fDst: dnnl_memory_desc_t
  /// Layouts chosen by the backward-data primitive.
  let dDiffDst: dnnl_memory_desc_t, dWeights: dnnl_memory_desc_t, dDiffSrc: dnnl_memory_desc_t
  /// Layouts chosen by the backward-weights primitive.
  let wSrc: dnnl_memory_desc_t, wDiffDst: dnnl_memory_desc_t, wDiffWeights: dnnl_memory_desc_t
  private var pds: [dnnl_primitive_desc_t] = []
  private var reorders: [ReorderKey: dnnl_primitive_t] = [:]

  private struct ReorderKey: Hashable {
    let from: [UInt8], to: [UInt8], accumulate: Bool
  }

  init(_ s: Conv2DShape, precision: Precision, layouts: Conv2DLayouts, algorithm: Conv2DAlgorithm) {
    src = DNNLRuntime.descriptor([s.batch, s.inChannels, s.height, s.width], layouts.source.tag)
    dst = DNNLRuntime.descriptor([s.batch, s.outChannels, s.outHeight, s.outWidth], layouts.output.tag)
    weights = DNNLRuntime.descriptor([s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth], dnnl_oihw)
    bias = DNNLRuntime.descriptor([s.outChannels], dnnl_x)
    let read = precision == .bf16 ? dnnl_bf16 : dnnl_f32
    let x = [s.batch, s.inChannels, s.height, s.width], y = [s.batch, s.outChannels, s.outHeight, s.outWidth]
    let w = [s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth]
    var anySrc = DNNLRuntime.descriptor(x, dnnl_format_tag_any, read)
    var anyDiffSrc = DNNLRuntime.descriptor(x, dnnl_format_tag_any)
    var anyDst = DNNLRuntime.descriptor(y, dnnl_format_tag_any)
    var anyDiffDst = DNNLRuntime.descriptor(y, dnnl_format_tag_any, read)
    var anyWeights = DNNLRuntime.descriptor(w, dnnl_format_tag_any, read)
    var anyDiffWeights = DNNLRuntime.descriptor(w, dnnl_format_tag_any)
    var b = bias
    let strides: [Int64] = [Int64(s.stride), Int64(s.stride)], left: [Int64] = [Int64(s.padding), Int64(s.padding)]
    // The right/bottom padding that makes oneDNN's size formula give outHeight × outWidth exactly.
    let right: [Int64] = [Int64((s.outHeight - 1) * s.stride + s.kernelHeight - s.height - s.padding),
                          Int64((s.outWidth - 1) * s.stride + s.kernelWidth - s.width - s.padding)]
    var fd = dnnl_convolution_desc_t(), dd = dnnl_convolution_desc_t(), wd = dnnl_convolution_desc_t()
    DNNLRuntime.check(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, algorithm.dnnl, &anySrc,
                                                         &anyWeights, &b, &anyDst, strides, left, right),
                      "dnnl_convolution_forward_desc_init for \(s)")
    let (fpd, fp) = DNNLRuntime.primitive(&fd)
    DNNLRuntime.check(dnnl_convolution_backward_data_desc_init(&dd, algorithm.dnnl, &anyDiffSrc, &anyWeights,
                                                               &anyDiffDst, strides, left, right),
                      "dnnl_convolution_backward_data_desc_init for \(s)")
    let (dpd, dp) = DNNLRuntime.primitive(&dd, hint: fpd)
    DNNLRuntime.check(dnnl_convolution_backward_weights_desc_init(&wd, algorithm.dnnl, &anySrc, &anyDiffWeights,
                                                                  &b, &anyDiffDst, strides, left, right),
                      "dnnl_convolution_backward_weights_desc_init for \(s)")
    let (wpd, wp) = DNNLRuntime.primitive(&wd, hint: fpd)
    (forward, backwardData, backwardWeights) = (fp, dp, wp)
    pds = [fpd, dpd, wpd]
    fSrc = DNNLRuntime.query(fpd, dnnl_query_src_md)
    fWeights = DNNLRuntime.query(fpd, dnnl_query_weights_md)
    fDst = DNNLRuntime.query(fpd, dnnl_query_dst_md)
    dDiffDst = DNNLRuntime.query(dpd, dnnl_query_diff_dst_md)
    dWeights = DNNLRuntime.query(dpd, dnnl_query_weights_md)
    dDiffSrc = DNNLRuntime.query(dpd, dnnl_query_diff_src_md)
    wSrc = DNNLRuntime.query(wpd, dnnl_query_src_md)
    wDiffDst = DNNLRuntime.query(wpd, dnnl_query_diff_dst_md)
    wDiffWeights = DNNLRuntime.query(wpd, dnnl_query_diff_weights_md)
  }

  deinit {
    for p in [forward, backwardData, backwardWeights] + Array(reorders.values) { dnnl_primitive_destroy(p) }
    for pd in pds { dnnl_primitive_desc_destroy(pd) }
  }

  /// The (cached) reorder from layout `from` to `to`, adding onto the destination when `accumulate`.
  func reorder(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t, accumulate: Bool) -> dnnl_primitive_t {
    func raw(_ md: dnnl_memory_desc_t) -> [UInt8] { withUnsafeBytes(of: md) { Array($0) } }
    let key = ReorderKey(from: raw(from), to: raw(to), accumulate: accumulate)
    if let p = reorders[key] { return p }
    let p = DNNLRuntime.reorder(from: from, to: to, accumulate: accumulate)
    reorders[key] = p
    return p
  }
}
