import DTREngine

/// Layout changes of NCHW activations `[N, C, P]` (P = H·W) between UNet modules, parallel over images:
/// attention's token transposes and the skip connections' channel concatenation. (Routing, normalisation
/// and modulation inside residual blocks run in ``BlockedNormSiLU``.)
enum PlaneOps {
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
