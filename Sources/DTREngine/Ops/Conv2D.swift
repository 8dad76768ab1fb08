/// Geometry of a batched 2-D convolution: NCHW activations, PyTorch `[Cout, Cin, kh, kw]` weights, one
/// stride and one zero padding for both spatial axes.
public struct Conv2DShape: Sendable, Equatable, CustomStringConvertible {
  /// Images in the batch (N).
  public var batch: Int
  /// Input channels (Cin).
  public var inChannels: Int
  /// Output channels (Cout).
  public var outChannels: Int
  /// Input height (H).
  public var height: Int
  /// Input width (W).
  public var width: Int
  /// Kernel height (kh).
  public var kernelHeight: Int
  /// Kernel width (kw).
  public var kernelWidth: Int
  /// Step between output positions, in input pixels.
  public var stride: Int
  /// Zero rows/columns added on every side of the input.
  public var padding: Int

  /// A convolution with a `kernel`×`kernel` window.
  public init(batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int,
              stride: Int = 1, padding: Int = 0) {
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.height = height
    self.width = width
    self.kernelHeight = kernel
    self.kernelWidth = kernel
    self.stride = stride
    self.padding = padding
    precondition(batch > 0 && inChannels > 0 && outChannels > 0 && stride > 0 && padding >= 0, "bad conv \(self)")
    precondition(outHeight > 0 && outWidth > 0, "kernel larger than padded input in \(self)")
  }

  /// Output height, `⌊(H + 2·pad − kh)/stride⌋ + 1`.
  public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  /// Output width, `⌊(W + 2·pad − kw)/stride⌋ + 1`.
  public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Output pixels per channel.
  public var outPlane: Int { outHeight * outWidth }
  /// Stride 1 with output and input of the same size (padding (k − 1)/2): every kernel tap is the input
  /// plane shifted, which ``Conv2DOp`` unfolds with one contiguous copy per tap.
  public var preservesSize: Bool { stride == 1 && outHeight == height && outWidth == width }
  /// Rows of the im2col matrix (the GEMM's inner dimension), `Cin·kh·kw`.
  public var patchSize: Int { inChannels * kernelHeight * kernelWidth }
  /// Elements of the input `[N, Cin, H, W]`.
  public var inputCount: Int { batch * inChannels * height * width }
  /// Elements of the output `[N, Cout, Hout, Wout]`.
  public var outputCount: Int { batch * outChannels * outPlane }
  /// Elements of the weight `[Cout, Cin, kh, kw]`.
  public var weightCount: Int { outChannels * patchSize }
  /// Floating-point operations of the forward pass (backward is twice this).
  public var forwardFlops: Double { 2 * Double(outChannels) * Double(patchSize) * Double(batch * outPlane) }

  /// A compact description, e.g. `N128 64→64 28×28 k3×3 s1 p1`.
  public var description: String {
    "N\(batch) \(inChannels)→\(outChannels) \(height)×\(width) k\(kernelHeight)×\(kernelWidth) s\(stride) p\(padding)"
  }
}

/// Scratch memory for ``Conv2DOp``, grown on first use and then reused, so steady-state calls allocate
/// nothing. One workspace may serve any number of convolutions that run one after another.
public final class Conv2DWorkspace: @unchecked Sendable {
  /// Target number of GEMM columns (images × output pixels) per chunk; see ``Conv2DOp``.
  public var columnsPerChunk: Int
  private var buffer = Tensor([0])

  /// An empty workspace; `columnsPerChunk` trades GEMM size against the chunk's cache footprint.
  public init(columnsPerChunk: Int = 4096) {
    self.columnsPerChunk = columnsPerChunk
  }

  /// Floats currently allocated.
  public var capacity: Int { buffer.capacity }

  /// Images per chunk for `shape`: at least one, at most the batch.
  func imagesPerChunk(_ shape: Conv2DShape) -> Int {
    max(1, min(shape.batch, columnsPerChunk / shape.outPlane))
  }

  /// The im2col matrix `[Cin·kh·kw, cols]` and the chunk-major output `[Cout, cols]` for one chunk.
  func buffers(_ shape: Conv2DShape) -> (col: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>) {
    let cols = imagesPerChunk(shape) * shape.outPlane
    let need = (shape.patchSize + shape.outChannels) * cols
    if buffer.capacity < need { buffer = Tensor([need]) }
    return (buffer.data, buffer.data + shape.patchSize * cols)
  }
}

/// 2-D convolution by im2col and sgemm.
///
/// The batch is processed in chunks of `B` images (``Conv2DWorkspace/columnsPerChunk`` output pixels):
/// each chunk is unfolded into one `[Cin·kh·kw, B·Hout·Wout]` matrix, so every chunk is a single large GEMM
/// that OpenBLAS spreads over both cores, and the matrix stays cache-sized instead of the whole batch's
/// (231 MB for N=128, 64 channels, 3×3 at 28×28). The GEMM result is chunk-major `[Cout, B·plane]` and is
/// regrouped into NCHW (adding the bias) by a cheap parallel copy.
///
/// Backward recomputes the unfolded input per chunk (nothing is saved by forward), then
/// `dW += dY·colᵀ` (NT), `dcol = Wᵀ·dY` (TN) and col2im scatters `dcol` back to `dx`.
public enum Conv2DOp {
  /// `out[N, Cout, Hout, Wout] = conv(x[N, Cin, H, W], weight) + bias`.
  public static func forward(
    x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    out: UnsafeMutablePointer<Float>, workspace: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      let (col, rows) = workspace.buffers(s)
      let chunk = workspace.imagesPerChunk(s)
      let inImage = s.inChannels * s.height * s.width, outImage = s.outChannels * s.outPlane
      for n0 in stride(from: 0, to: s.batch, by: chunk) {
        let images = min(chunk, s.batch - n0)
        let cols = images * s.outPlane
        let y = out + n0 * outImage
        // A one-image chunk is already in NCHW order: the GEMM writes the output directly.
        let result = images == 1 ? y : rows
        im2col(x + n0 * inImage, images: images, shape: s, col: col)
        parallelSgemm(transA: false, transB: false, m: s.outChannels, n: cols, k: s.patchSize, a: weight, lda: s.patchSize,
                      b: col, ldb: cols, c: result, ldc: cols)
        if images > 1 || bias != nil {
          regroup(result, y, images: images, rows: s.outChannels, plane: s.outPlane, toImageMajor: true, bias: bias)
        }
      }
    }
  }

  /// Gradients of ``forward(x:shape:weight:bias:out:workspace:)``: `dWeight` and `dBias` accumulate (`+=`);
  /// `dx` (when wanted) is overwritten, or added to when `accumulate` is set.
  public static func backward(
    dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, shape s: Conv2DShape, weight: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?, workspace: Conv2DWorkspace
  ) {
    Profiler.time(.gemm) {
      if let dBias { addBiasGradient(dOut, shape: s, into: dBias) }
      let (col, rows) = workspace.buffers(s)
      let chunk = workspace.imagesPerChunk(s)
      let inImage = s.inChannels * s.height * s.width, outImage = s.outChannels * s.outPlane
      for n0 in stride(from: 0, to: s.batch, by: chunk) {
        let images = min(chunk, s.batch - n0)
        let cols = images * s.outPlane
        var dy = UnsafePointer(dOut + n0 * outImage)
        if images > 1 {
          regroup(dy, rows, images: images, rows: s.outChannels, plane: s.outPlane, toImageMajor: false, bias: nil)
          dy = UnsafePointer(rows)
        }
        im2col(x + n0 * inImage, images: images, shape: s, col: col)
        parallelSgemm(transA: false, transB: true, m: s.outChannels, n: s.patchSize, k: cols, a: dy, lda: cols, b: col,
                      ldb: cols, beta: 1, c: dWeight, ldc: s.patchSize)
        guard let dx else { continue }
        // The unfolded input is no longer needed: its buffer receives dcol.
        parallelSgemm(transA: true, transB: false, m: s.patchSize, n: cols, k: s.outChannels, a: weight, lda: s.patchSize,
                      b: dy, ldb: cols, c: col, ldc: cols)
        col2im(col, images: images, shape: s, dx: dx + n0 * inImage, accumulate: accumulate)
      }
    }
  }

  /// `dBias[c] += Σ_{n,p} dOut[n, c, p]`, parallel over channels.
  static func addBiasGradient(_ dOut: UnsafePointer<Float>, shape s: Conv2DShape, into dBias: UnsafeMutablePointer<Float>) {
    let plane = s.outPlane
    Parallel.forRange(s.outChannels, minChunk: max(1, 65536 / (s.batch * plane))) { c0, c1 in
      for c in c0..<c1 {
        var sum: Float = 0
        for n in 0..<s.batch { sum += Kernels.sum(dOut + (n * s.outChannels + c) * plane, plane) }
        dBias[c] += sum
      }
    }
  }

  /// Output columns `lo..<hi` whose input column `ox·stride − pad + k` lies inside `0..<size`.
  @inline(__always)
  static func validRange(k: Int, size: Int, outSize: Int, stride: Int, padding: Int) -> (Int, Int) {
    let lo = padding > k ? min(outSize, (padding - k + stride - 1) / stride) : 0
    let last = size - 1 + padding - k
    let hi = last < 0 ? 0 : min(outSize, last / stride + 1)
    return (lo, max(lo, hi))
  }

  /// Unfolds `images` images into `col[Cin·kh·kw, images·plane]` (row `(ci, ky, kx)`, column `(n, oy, ox)`),
  /// parallel over (image, input channel).
  static func im2col(_ x: UnsafePointer<Float>, images: Int, shape s: Conv2DShape, col: UnsafeMutablePointer<Float>) {
    let plane = s.outPlane, ld = images * plane, ow = s.outWidth, st = s.stride
    let window = s.kernelHeight * s.kernelWidth
    Parallel.forRange(images * s.inChannels, minChunk: max(1, 32768 / (window * plane))) { i0, i1 in
      for item in i0..<i1 {
        let n = item / s.inChannels, ci = item % s.inChannels
        let src = x + item * s.height * s.width
        if s.preservesSize {
          for ky in 0..<s.kernelHeight {
            for kx in 0..<s.kernelWidth {
              let row = col + ((ci * s.kernelHeight + ky) * s.kernelWidth + kx) * ld + n * plane
              let w = shiftedWindow(ky: ky, kx: kx, shape: s)
              row.update(repeating: 0, count: w.rows.lowerBound * ow)
              (row + w.rows.upperBound * ow).update(repeating: 0, count: plane - w.rows.upperBound * ow)
              (row + w.span.lowerBound).update(from: src + w.span.lowerBound + w.shift, count: w.span.count)
              zeroEdges(row, w, width: ow)
            }
          }
          continue
        }
        for ky in 0..<s.kernelHeight {
          for kx in 0..<s.kernelWidth {
            let row = col + ((ci * s.kernelHeight + ky) * s.kernelWidth + kx) * ld + n * plane
            let (lo, hi) = validRange(k: kx, size: s.width, outSize: ow, stride: st, padding: s.padding)
            for oy in 0..<s.outHeight {
              let d = row + oy * ow
              let iy = oy * st - s.padding + ky
              guard iy >= 0 && iy < s.height else { d.update(repeating: 0, count: ow); continue }
              let srow = src + iy * s.width + kx - s.padding
              d.update(repeating: 0, count: lo)
              (d + hi).update(repeating: 0, count: ow - hi)
              if st == 1 {
                (d + lo).update(from: srow + lo, count: hi - lo)
              } else {
                for ox in lo..<hi { d[ox] = srow[ox * st] }
              }
            }
          }
        }
      }
    }
  }

  /// The adjoint of ``im2col(_:images:shape:col:)``: adds every column entry back onto the input pixel
  /// it came from, parallel over (image, input channel) so that writes never overlap.
  /// `col` is scratch: entries that stand for padding may be zeroed.
  static func col2im(_ col: UnsafeMutablePointer<Float>, images: Int, shape s: Conv2DShape, dx: UnsafeMutablePointer<Float>,
                     accumulate: Bool) {
    let plane = s.outPlane, ld = images * plane, ow = s.outWidth, st = s.stride
    let window = s.kernelHeight * s.kernelWidth
    Parallel.forRange(images * s.inChannels, minChunk: max(1, 32768 / (window * plane))) { i0, i1 in
      for item in i0..<i1 {
        let n = item / s.inChannels, ci = item % s.inChannels
        let dst = dx + item * s.height * s.width
        if !accumulate { dst.update(repeating: 0, count: s.height * s.width) }
        if s.preservesSize {
          for ky in 0..<s.kernelHeight {
            for kx in 0..<s.kernelWidth {
              let row = col + ((ci * s.kernelHeight + ky) * s.kernelWidth + kx) * ld + n * plane
              let w = shiftedWindow(ky: ky, kx: kx, shape: s)
              // Zeroed, the padding columns add nothing where the contiguous span wraps onto a neighbouring row.
              zeroEdges(row, w, width: ow)
              let from = row + w.span.lowerBound, to = dst + w.span.lowerBound + w.shift
              for i in 0..<w.span.count { to[i] += from[i] }
            }
          }
          continue
        }
        for ky in 0..<s.kernelHeight {
          for kx in 0..<s.kernelWidth {
            let row = col + ((ci * s.kernelHeight + ky) * s.kernelWidth + kx) * ld + n * plane
            let (lo, hi) = validRange(k: kx, size: s.width, outSize: ow, stride: st, padding: s.padding)
            for oy in 0..<s.outHeight {
              let iy = oy * st - s.padding + ky
              guard iy >= 0 && iy < s.height else { continue }
              let d = row + oy * ow
              let drow = dst + iy * s.width + kx - s.padding
              if st == 1 {
                for ox in lo..<hi { drow[ox] += d[ox] }
              } else {
                for ox in lo..<hi { drow[ox * st] += d[ox] }
              }
            }
          }
        }
      }
    }
  }

  /// Where kernel tap (ky, kx) of a stride-1, size-preserving convolution reads: output pixel t of the
  /// plane (row-major) reads input pixel `t + shift`; output rows `rows` read inside the image; over
  /// `span` (within those rows, clipped so that `t + shift` stays in the plane) the whole tap is one
  /// contiguous copy, except columns `cols`' complement, which read padding (and wrap onto the next or
  /// previous row) and are fixed up by ``zeroEdges(_:_:width:)``.
  struct ShiftedWindow {
    let shift: Int, rows: Range<Int>, cols: Range<Int>, span: Range<Int>
  }

  @inline(__always)
  static func shiftedWindow(ky: Int, kx: Int, shape s: Conv2DShape) -> ShiftedWindow {
    let h = s.height, w = s.width, p = s.padding
    let shift = (ky - p) * w + (kx - p)
    let top = min(h, max(0, p - ky))
    let rows = top..<max(top, min(h, h + p - ky))
    let (lo, hi) = validRange(k: kx, size: w, outSize: w, stride: 1, padding: p)
    let start = max(rows.lowerBound * w, -shift), end = min(rows.upperBound * w, h * w - shift)
    return ShiftedWindow(shift: shift, rows: rows, cols: lo..<hi, span: start..<max(start, end))
  }

  /// Zeroes the columns outside `w.cols` on the rows `w.rows` of one tap's `[H, W]` block.
  @inline(__always)
  static func zeroEdges(_ row: UnsafeMutablePointer<Float>, _ w: ShiftedWindow, width: Int) {
    guard w.cols.lowerBound > 0 || w.cols.upperBound < width else { return }
    for oy in w.rows {
      let r = row + oy * width
      for ox in 0..<w.cols.lowerBound { r[ox] = 0 }
      for ox in w.cols.upperBound..<width { r[ox] = 0 }
    }
  }

  /// Copies between image-major `[images, rows, plane]` (NCHW) and chunk-major `[rows, images·plane]`
  /// (the GEMM's layout), adding `bias[row]` when given. Source and destination may coincide when
  /// `images` is 1 (an in-place bias add).
  static func regroup(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, images: Int, rows: Int,
                      plane: Int, toImageMajor: Bool, bias: UnsafePointer<Float>?) {
    Parallel.forRange(images * rows, minChunk: max(1, 16384 / plane)) { i0, i1 in
      for item in i0..<i1 {
        let n = item / rows, r = item % rows
        let imageMajor = item * plane, chunkMajor = (r * images + n) * plane
        let from = src + (toImageMajor ? chunkMajor : imageMajor)
        let to = dst + (toImageMajor ? imageMajor : chunkMajor)
        if let bias {
          let b = bias[r]
          for p in 0..<plane { to[p] = from[p] + b }
        } else {
          to.update(from: from, count: plane)
        }
      }
    }
  }
}
