import DTREngine

/// A residual block's normalisation stage, fused, on channel-blocked activations
/// (``ActivationLayout/blocked``: `[N, C/b, P, b]`, padding lanes zero):
///
///     out = SiLU(GN(m ⊙ x)·(1 + scale) + shift)
///
/// with m each image's routing-mask row (or none), GN affine group normalisation (biased variance, ε) and
/// (scale, shift) ADM's scale-shift modulation (or none). Forward writes only `out` and each (image,
/// group)'s mean and rstd; backward recomputes everything else from x. It stands in for the planar
/// path's mask, GroupNorm, modulation and SiLU passes and the reorders around the convolutions on either
/// side, and for their stored intermediates.
///
/// Loops run per image over its tiles of b channels, pixel by pixel, with the b lanes innermost (one vector
/// register; b is a compile-time constant in each specialisation, so the lane loops vectorise).
struct BlockedNormSiLU {
  /// Real channels C (the stored count is C rounded up to the block).
  let channels: Int
  /// GroupNorm groups (C divisible by it).
  let groups: Int
  /// Pixels per channel.
  let plane: Int
  /// GroupNorm's ε.
  let eps: Float
  /// GroupNorm's affine weight and bias, `[C]`.
  let weight: UnsafePointer<Float>, bias: UnsafePointer<Float>
  /// Mask rows `[N, C]`, or nil without routing.
  let mask: UnsafePointer<Float>?
  /// `(scale, shift)` rows of `[N, stride]` (ADM's fused `[N, 2C]` projection), or nil.
  let modulation: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, stride: Int)?
  /// The channel block b: ``ActivationLayout/blockWidth`` (16 or 8; tests run both).
  var width = ActivationLayout.blockWidth

  /// Stored channels: C rounded up to the block.
  var stored: Int { ActivationLayout.padded(channels, toBlock: width) }

  /// `out = SiLU(GN(m ⊙ x)·(1 + scale) + shift)` for `batch` images; writes `batch·groups` means and rstds.
  func forward(_ x: UnsafePointer<Float>, batch: Int, out: UnsafeMutablePointer<Float>,
               mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
    Profiler.time(.norms) {
      precondition(width == 16 || width == 8, "channel block \(width) is neither 16 nor 8")
      if width == 16 {
        forward(Lanes16.self, x, batch: batch, out: out, mean: mean, rstd: rstd)
      } else {
        forward(Lanes8.self, x, batch: batch, out: out, mean: mean, rstd: rstd)
      }
    }
  }

  /// Gradients of ``forward(_:batch:out:mean:rstd:)``: `grad` holds dL/d(out) and is overwritten with dL/dx
  /// (both blocked). The modulation's gradient rows are written into `dScale`/`dShift` (same stride) when
  /// there is a modulation; per-(image, channel) sums for GroupNorm's `dBias`/`dWeight` go to `channelSums`
  /// (`2·batch·C` floats) and are added into `dWeight`/`dBias`.
  func backward(_ grad: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, batch: Int,
                mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                dScale: UnsafeMutablePointer<Float>?, dShift: UnsafeMutablePointer<Float>?,
                dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                channelSums: UnsafeMutablePointer<Float>) {
    Profiler.time(.norms) {
      precondition(width == 16 || width == 8, "channel block \(width) is neither 16 nor 8")
      if width == 16 {
        backward(Lanes16.self, grad, x: x, batch: batch, mean: mean, rstd: rstd, dScale: dScale, dShift: dShift,
                 channelSums: channelSums)
      } else {
        backward(Lanes8.self, grad, x: x, batch: batch, mean: mean, rstd: rstd, dScale: dScale, dShift: dShift,
                 channelSums: channelSums)
      }
      for n in 0..<batch {
        let sums = channelSums + 2 * n * channels
        for c in 0..<channels {
          dBias[c] += sums[2 * c]
          dWeight[c] += sums[2 * c + 1]
        }
      }
    }
  }

  // MARK: - Per-image coefficients

  /// Per-channel values of one image, `stored` floats each (zero in padding lanes).
  private struct Lanes {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    /// Slot `k`.
    subscript(_ k: Int) -> UnsafeMutablePointer<Float> { base + k * count }
  }

  /// The mask factor of each lane of image `n`: m, 1 without routing, 0 for padding.
  private func maskFactors(_ n: Int, into m: UnsafeMutablePointer<Float>) {
    for c in 0..<stored { m[c] = c < channels ? (mask?[n * channels + c] ?? 1) : 0 }
  }

  /// The forward's per-lane map of image `n` before SiLU, `u = x·a + c0` with a = m·rstd·w·(1 + scale) and
  /// c0 = (bias − μ·rstd·w)·(1 + scale) + shift, and k = 1 + scale; zero in padding lanes. `m` holds the
  /// image's mask factors (``maskFactors(_:into:)``).
  private func affine(_ n: Int, m: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                      a: UnsafeMutablePointer<Float>, c0: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>) {
    let perGroup = channels / groups
    for c in 0..<stored {
      guard c < channels else { (a[c], c0[c], k[c]) = (0, 0, 0); continue }
      let mu = mean[n * groups + c / perGroup], rs = rstd[n * groups + c / perGroup]
      var shift: Float = 0
      k[c] = 1
      if let modulation {
        k[c] += modulation.scale[n * modulation.stride + c]
        shift = modulation.shift[n * modulation.stride + c]
      }
      a[c] = m[c] * rs * weight[c] * k[c]
      c0[c] = (bias[c] - mu * rs * weight[c]) * k[c] + shift
    }
  }

  /// Σ over pixels of `f(u, v, lane)` for every lane into `sums`, where u and v are the lane's values at a
  /// pixel of the images at `first` and `second`. The accumulators live in a stack buffer of b floats, which
  /// the compiler keeps in a vector register (accumulating into `sums` itself would store and reload it
  /// every pixel, since `sums` might alias the images).
  @inline(__always)
  private func laneSums<L: LaneCount>(_: L.Type, _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>,
                                      into sums: UnsafeMutablePointer<Float>,
                                      _ f: (_ u: Float, _ v: Float, _ lane: Int) -> Float) {
    let b = L.lanes
    withUnsafeTemporaryAllocation(of: Float.self, capacity: b) { acc in
      for t in 0..<(stored / b) {
        let u = first + t * b * plane, v = second + t * b * plane
        for l in 0..<b { acc[l] = 0 }
        for p in 0..<plane {
          for l in 0..<b { acc[l] += f(u[p * b + l], v[p * b + l], t * b + l) }
        }
        for l in 0..<b { sums[t * b + l] = acc[l] }
      }
    }
  }

  // MARK: - Kernels

  private func forward<L: LaneCount>(_ lanes: L.Type, _ x: UnsafePointer<Float>, batch: Int,
                                     out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                     rstd: UnsafeMutablePointer<Float>) {
    let b = L.lanes, image = stored * plane, perGroup = channels / groups, count = Float(perGroup * plane)
    Parallel.forRange(batch, minChunk: max(1, 16384 / image)) { n0, n1 in
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 6 * stored)
      defer { scratch.deallocate() }
      let v = Lanes(base: scratch, count: stored)
      let m = v[0], mu = v[1], sums = v[2], a = v[3], c0 = v[4], k = v[5]
      for n in n0..<n1 {
        let img = x + n * image, dst = out + n * image
        maskFactors(n, into: m)
        laneSums(L.self, img, img, into: sums) { x, _, _ in x }
        for g in 0..<groups {
          var s: Float = 0
          for c in g * perGroup..<(g + 1) * perGroup { s += m[c] * sums[c] }
          mean[n * groups + g] = s / count
        }
        for c in 0..<stored { mu[c] = c < channels ? mean[n * groups + c / perGroup] : 0 }
        laneSums(L.self, img, img, into: sums) { x, _, c in (m[c] * x - mu[c]) * (m[c] * x - mu[c]) }
        for g in 0..<groups {
          var s: Float = 0
          for c in g * perGroup..<(g + 1) * perGroup { s += sums[c] }
          rstd[n * groups + g] = 1 / (s / count + eps).squareRoot()
        }
        affine(n, m: m, mean: mean, rstd: rstd, a: a, c0: c0, k: k)
        for t in 0..<(stored / b) {
          let src = img + t * b * plane, o = dst + t * b * plane, at = a + t * b, ct = c0 + t * b
          for p in 0..<plane {
            let xs = src + p * b, os = o + p * b
            for l in 0..<b {
              let u = xs[l] * at[l] + ct[l]
              os[l] = u * FastMath.sigmoid(u)
            }
          }
        }
      }
    }
  }

  private func backward<L: LaneCount>(_ lanes: L.Type, _ grad: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                                      batch: Int, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                      dScale: UnsafeMutablePointer<Float>?, dShift: UnsafeMutablePointer<Float>?,
                                      channelSums: UnsafeMutablePointer<Float>) {
    let b = L.lanes, image = stored * plane, perGroup = channels / groups, count = Float(perGroup * plane)
    Parallel.forRange(batch, minChunk: max(1, 16384 / image)) { n0, n1 in
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 8 * stored)
      defer { scratch.deallocate() }
      let v = Lanes(base: scratch, count: stored)
      let m = v[0], a = v[1], c0 = v[2], ha = v[3], hb = v[4], sdv = v[5], sdvx = v[6], k = v[7]
      for n in n0..<n1 {
        let img = x + n * image, d = grad + n * image
        maskFactors(n, into: m)
        // The forward's u = x·a + c0 and the normalised x̂ = x·ha + hb of every lane.
        affine(n, m: m, mean: mean, rstd: rstd, a: a, c0: c0, k: k)
        for c in 0..<stored {
          guard c < channels else { (ha[c], hb[c]) = (0, 0); continue }
          let rs = rstd[n * groups + c / perGroup]
          (ha[c], hb[c]) = (m[c] * rs, -mean[n * groups + c / perGroup] * rs)
        }
        // dv = dOut·SiLU'(u), kept in place; per lane Σ dv and Σ dv·x̂.
        for t in 0..<(stored / b) {
          let src = img + t * b * plane, g = d + t * b * plane, at = a + t * b, ct = c0 + t * b
          for p in 0..<plane {
            let xs = src + p * b, gs = g + p * b
            for l in 0..<b { gs[l] *= FastMath.siluDerivative(xs[l] * at[l] + ct[l]) }
          }
        }
        laneSums(L.self, d, d, into: sdv) { dv, _, _ in dv }
        laneSums(L.self, d, img, into: sdvx) { dv, x, c in dv * (x * ha[c] + hb[c]) }
        // With dg = k·dv (k = 1 + scale) and dx̂ = w·dg: d(m·x) = rstd·(dx̂ − mean_g(dx̂) − x̂·mean_g(dx̂·x̂)).
        let sums = channelSums + 2 * n * channels
        for c in 0..<channels {
          sums[2 * c] = k[c] * sdv[c]
          sums[2 * c + 1] = k[c] * sdvx[c]
          if let dScale, let dShift, let modulation {
            dScale[n * modulation.stride + c] = weight[c] * sdvx[c] + bias[c] * sdv[c]
            dShift[n * modulation.stride + c] = sdv[c]
          }
        }
        // dx = m·d(m·x) = dv·p1 + x·p2 + p3, per lane (reusing a, c0, sdv for p1, p2, p3).
        for g in 0..<groups {
          var mG: Float = 0, mGX: Float = 0
          for c in g * perGroup..<(g + 1) * perGroup {
            mG += weight[c] * k[c] * sdv[c]
            mGX += weight[c] * k[c] * sdvx[c]
          }
          (mG, mGX) = (mG / count, mGX / count)
          for c in g * perGroup..<(g + 1) * perGroup {
            let scale = m[c] * rstd[n * groups + g]
            a[c] = scale * k[c] * weight[c]
            c0[c] = -scale * mGX * ha[c]
            sdv[c] = -scale * (mG + mGX * hb[c])
          }
        }
        for c in channels..<stored { (a[c], c0[c], sdv[c]) = (0, 0, 0) }
        for t in 0..<(stored / b) {
          let src = img + t * b * plane, g = d + t * b * plane, p1 = a + t * b, p2 = c0 + t * b, p3 = sdv + t * b
          for p in 0..<plane {
            let xs = src + p * b, gs = g + p * b
            for l in 0..<b { gs[l] = gs[l] * p1[l] + xs[l] * p2[l] + p3[l] }
          }
        }
      }
    }
  }
}

/// The channel block of a kernel specialisation, as a type so that it is a constant in the loops.
protocol LaneCount {
  static var lanes: Int { get }
}

/// 16 lanes: `nChw16c`, AVX-512.
enum Lanes16: LaneCount {
  static var lanes: Int { 16 }
}

/// 8 lanes: `nChw8c`, AVX2.
enum Lanes8: LaneCount {
  static var lanes: Int { 8 }
}
