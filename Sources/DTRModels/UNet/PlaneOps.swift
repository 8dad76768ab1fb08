import DTREngine

/// Kernels on NCHW activations `[N, C, P]` (P = H·W) that apply one value per (image, channel) plane, or
/// change the layout, parallel over planes or images.
enum PlaneOps {
  /// Planes per parallel chunk for `plane` pixels each.
  @inline(__always)
  static func chunk(_ plane: Int) -> Int { max(1, 16384 / plane) }

  /// Routing: `out[n, c, :] (+)= x[n, c, :]·m[n, c]` with `m` the per-sample mask rows `[N, C]`.
  static func mask(_ x: UnsafePointer<Float>, rows m: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                   accumulate: Bool = false, out: UnsafeMutablePointer<Float>) {
    Parallel.forRange(batch * channels, minChunk: chunk(plane)) { s, e in
      for item in s..<e {
        let v = m[item], src = x + item * plane, dst = out + item * plane
        if accumulate {
          for p in 0..<plane { dst[p] += src[p] * v }
        } else {
          for p in 0..<plane { dst[p] = src[p] * v }
        }
      }
    }
  }

  /// ADM's scale-shift norm output stage: `out = SiLU(x·(1 + scale[n, c]) + shift[n, c])`; `scale`/`shift`
  /// rows are read with `stride` (the fused `[N, 2C]` projection). The modulated value is not kept: backward
  /// recomputes it from `x` as it reads `x` anyway, which saves a buffer per block and a pass.
  static func modulateSiLU(_ x: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                           stride: Int, batch: Int, channels: Int, plane: Int, out: UnsafeMutablePointer<Float>) {
    Parallel.forRange(batch * channels, minChunk: chunk(plane)) { s, e in
      for item in s..<e {
        let n = item / channels, c = item % channels
        let a = 1 + scale[n * stride + c], b = shift[n * stride + c]
        let src = x + item * plane, dst = out + item * plane
        for p in 0..<plane {
          let v = src[p] * a + b
          dst[p] = v * FastMath.sigmoid(v)
        }
      }
    }
  }

  /// Gradients of ``modulateSiLU(_:scale:shift:stride:batch:channels:plane:out:)``: `dx` is overwritten (it
  /// may alias `dOut`); `dScale`/`dShift` rows (same stride) are overwritten.
  static func modulateSiLUBackward(_ dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, scale: UnsafePointer<Float>,
                                   shift: UnsafePointer<Float>, stride: Int, batch: Int, channels: Int, plane: Int,
                                   dx: UnsafeMutablePointer<Float>, dScale: UnsafeMutablePointer<Float>,
                                   dShift: UnsafeMutablePointer<Float>) {
    Parallel.forRange(batch * channels, minChunk: chunk(plane)) { s, e in
      for item in s..<e {
        let n = item / channels, c = item % channels
        let a = 1 + scale[n * stride + c], b = shift[n * stride + c]
        let g = dOut + item * plane, src = x + item * plane, d = dx + item * plane
        // dv = dOut·SiLU'(x·a + b) into d, then its sums and the scaling: separate loops that vectorise (a
        // loop carrying the two float sums, or an in-place one through LLVM's overlap check, runs scalar).
        if UnsafePointer(d) == g {
          for p in 0..<plane { d[p] *= FastMath.siluDerivative(src[p] * a + b) }
        } else {
          for p in 0..<plane { d[p] = g[p] * FastMath.siluDerivative(src[p] * a + b) }
        }
        dScale[n * stride + c] = Kernels.dot(d, src, plane)
        dShift[n * stride + c] = Kernels.sum(d, plane)
        for p in 0..<plane { d[p] *= a }
      }
    }
  }

  /// `[N, C, P]` planes → `[N, P, C]` tokens (a per-image transpose).
  static func toTokens(_ x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                       out: UnsafeMutablePointer<Float>) {
    let size = channels * plane
    Parallel.forRange(batch, minChunk: max(1, 32768 / size)) { s, e in
      for n in s..<e {
        let src = x + n * size, dst = out + n * size
        for c in 0..<channels {
          for p in 0..<plane { dst[p * channels + c] = src[c * plane + p] }
        }
      }
    }
  }

  /// `[N, P, C]` tokens → `[N, C, P]` planes, plus `base` (same layout as `out`) when given.
  static func fromTokens(_ tokens: UnsafePointer<Float>, base: UnsafePointer<Float>?, batch: Int, channels: Int,
                         plane: Int, out: UnsafeMutablePointer<Float>) {
    let size = channels * plane
    Parallel.forRange(batch, minChunk: max(1, 32768 / size)) { s, e in
      for n in s..<e {
        let src = tokens + n * size, dst = out + n * size
        for c in 0..<channels {
          let d = dst + c * plane
          if let base {
            let b = base + n * size + c * plane
            for p in 0..<plane { d[p] = b[p] + src[p * channels + c] }
          } else {
            for p in 0..<plane { d[p] = src[p * channels + c] }
          }
        }
      }
    }
  }

  /// Channel concatenation `out[n] = [a[n]; b[n]]` of `[N, ca, P]` and `[N, cb, P]` (ADM's `th.cat(dim=1)`).
  static func concat(_ a: UnsafePointer<Float>, _ ca: Int, _ b: UnsafePointer<Float>, _ cb: Int, batch: Int, plane: Int,
                     out: UnsafeMutablePointer<Float>) {
    let sa = ca * plane, sb = cb * plane
    Parallel.forRange(batch, minChunk: max(1, 65536 / (sa + sb))) { s, e in
      for n in s..<e {
        (out + n * (sa + sb)).update(from: a + n * sa, count: sa)
        (out + n * (sa + sb) + sa).update(from: b + n * sb, count: sb)
      }
    }
  }

  /// The adjoint of ``concat(_:_:_:_:batch:plane:out:)``: splits `[N, ca + cb, P]` into `a` and `b`.
  static func split(_ x: UnsafePointer<Float>, _ ca: Int, _ cb: Int, batch: Int, plane: Int,
                    a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) {
    let sa = ca * plane, sb = cb * plane
    Parallel.forRange(batch, minChunk: max(1, 65536 / (sa + sb))) { s, e in
      for n in s..<e {
        (a + n * sa).update(from: x + n * (sa + sb), count: sa)
        (b + n * sb).update(from: x + n * (sa + sb) + sa, count: sb)
      }
    }
  }
}
