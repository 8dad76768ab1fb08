import DTREngine
import DTRTestSupport
import XCTest

final class Conv2DTests: XCTestCase {
  /// The shapes the tests cover: padded 3×3 at stride 1 and 2, 1×1, a 4×4/4 patch embedding, and a
  /// size-preserving 5×5 on a non-square image (two-pixel edges for the shifted-plane unfolding).
  let shapes: [Conv2DShape] = [
    Conv2DShape(batch: 2, inChannels: 3, outChannels: 5, height: 7, width: 7, kernel: 3, stride: 1, padding: 1),
    Conv2DShape(batch: 1, inChannels: 2, outChannels: 2, height: 5, width: 6, kernel: 5, stride: 1, padding: 2),
    Conv2DShape(batch: 2, inChannels: 3, outChannels: 5, height: 9, width: 9, kernel: 3, stride: 2, padding: 1),
    Conv2DShape(batch: 2, inChannels: 3, outChannels: 5, height: 7, width: 7, kernel: 1),
    Conv2DShape(batch: 2, inChannels: 3, outChannels: 5, height: 9, width: 9, kernel: 4, stride: 4),
  ]

  /// Direct convolution in double precision.
  func naive(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ s: Conv2DShape) -> [Double] {
    var out = [Double](repeating: 0, count: s.outputCount)
    for n in 0..<s.batch {
      for co in 0..<s.outChannels {
        for oy in 0..<s.outHeight {
          for ox in 0..<s.outWidth {
            var acc = Double(b?[co] ?? 0)
            for ci in 0..<s.inChannels {
              for ky in 0..<s.kernelHeight {
                for kx in 0..<s.kernelWidth {
                  let iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx
                  guard iy >= 0, iy < s.height, ix >= 0, ix < s.width else { continue }
                  let xv = x[((n * s.inChannels + ci) * s.height + iy) * s.width + ix]
                  let wv = w[((co * s.inChannels + ci) * s.kernelHeight + ky) * s.kernelWidth + kx]
                  acc += Double(xv) * Double(wv)
                }
              }
            }
            out[((n * s.outChannels + co) * s.outHeight + oy) * s.outWidth + ox] = acc
          }
        }
      }
    }
    return out
  }

  func testForwardMatchesDirectConvolution() {
    var more = shapes
    more.append(Conv2DShape(batch: 3, inChannels: 4, outChannels: 6, height: 8, width: 5, kernel: 3, stride: 1, padding: 2))
    more.append(Conv2DShape(batch: 2, inChannels: 3, outChannels: 4, height: 6, width: 9, kernel: 5, stride: 1, padding: 2))
    more.append(Conv2DShape(batch: 2, inChannels: 2, outChannels: 3, height: 2, width: 1, kernel: 5, stride: 1, padding: 2))
    more.append(Conv2DShape(batch: 3, inChannels: 2, outChannels: 3, height: 6, width: 11, kernel: 5, stride: 3, padding: 1))
    for (i, s) in more.enumerated() {
      let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: UInt64(i))
      let w = randomTensor([s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth], seed: 100 + UInt64(i))
      let b = randomTensor([s.outChannels], seed: 200 + UInt64(i))
      for bias in [nil, b] {
        let out = Tensor([s.batch, s.outChannels, s.outHeight, s.outWidth])
        Conv2DOp.forward(x: x.data, shape: s, weight: w.data, bias: bias?.data, out: out.data, workspace: Conv2DWorkspace())
        let ref = naive(x, w, bias, s)
        for j in 0..<ref.count {
          XCTAssertEqual(Double(out[j]), ref[j], accuracy: 1e-4, "\(s) bias \(bias != nil) at \(j)")
        }
      }
    }
  }

  func check(_ s: Conv2DShape, bias: Bool) {
    let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: 1)
    let w = randomTensor([s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth], seed: 2, std: 0.3)
    let b = randomTensor([s.outChannels], seed: 3)
    let out = Tensor([s.batch, s.outChannels, s.outHeight, s.outWidth])
    let dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor(b.shape)
    let ws = Conv2DWorkspace()
    let report = GradientCheck.run(
      inputs: bias ? [x, w, b] : [x, w],
      forward: {
        Conv2DOp.forward(x: x.data, shape: s, weight: w.data, bias: bias ? b.data : nil, out: out.data, workspace: ws)
        return out
      },
      backward: { dOut in
        dw.zero()
        db.zero()
        Conv2DOp.backward(dOut: dOut.data, x: x.data, shape: s, weight: w.data, dx: dx.data, dWeight: dw.data,
                          dBias: bias ? db.data : nil, workspace: ws)
        return bias ? [dx, dw, db] : [dx, dw]
      })
    XCTAssertTrue(report.passed, "\(s) bias \(bias): \(report)")
  }

  func testGradientsMatchFiniteDifferencesWithAndWithoutBias() {
    for s in shapes {
      check(s, bias: true)
      check(s, bias: false)
    }
  }

  /// dL/dx and dL/dW of `L = Σ dOut·conv(x, w)` by direct loops in double precision.
  func naiveBackward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, _ s: Conv2DShape) -> (dx: [Double], dw: [Double]) {
    var dx = [Double](repeating: 0, count: s.inputCount), dw = [Double](repeating: 0, count: s.weightCount)
    for n in 0..<s.batch {
      for co in 0..<s.outChannels {
        for oy in 0..<s.outHeight {
          for ox in 0..<s.outWidth {
            let g = Double(dy[((n * s.outChannels + co) * s.outHeight + oy) * s.outWidth + ox])
            for ci in 0..<s.inChannels {
              for ky in 0..<s.kernelHeight {
                for kx in 0..<s.kernelWidth {
                  let iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx
                  guard iy >= 0, iy < s.height, ix >= 0, ix < s.width else { continue }
                  let xi = ((n * s.inChannels + ci) * s.height + iy) * s.width + ix
                  let wi = ((co * s.inChannels + ci) * s.kernelHeight + ky) * s.kernelWidth + kx
                  dx[xi] += g * Double(w[wi])
                  dw[wi] += g * Double(x[xi])
                }
              }
            }
          }
        }
      }
    }
    return (dx, dw)
  }

  /// Channel counts of 16 and more, where oneDNN picks its blocked layouts and JIT kernels (the tiny shapes
  /// above may run in plain layouts): stride 2 on an odd size, 1×1, and a non-square image.
  let blockedShapes = [
    Conv2DShape(batch: 2, inChannels: 16, outChannels: 32, height: 9, width: 9, kernel: 3, stride: 2, padding: 1),
    Conv2DShape(batch: 3, inChannels: 32, outChannels: 16, height: 5, width: 5, kernel: 1),
    Conv2DShape(batch: 2, inChannels: 17, outChannels: 32, height: 6, width: 10, kernel: 3, stride: 1, padding: 1),
  ]

  /// x rounded to the nearest bfloat16 (ties to even), as oneDNN's reorders round.
  func bf16(_ v: Float) -> Float {
    let bits = v.bitPattern
    return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
  }

  /// Forward, dx, dW and db of every blocked shape at `precision` against direct loops in double precision
  /// over the operands the primitives read (`round`ed: identity for fp32, bf16 rounding for bf16), within
  /// `tolerance`; returns the largest difference of the outputs from the unrounded fp32 reference.
  @discardableResult
  func checkBlockedLayouts(_ precision: Precision, round: (Float) -> Float, tolerance: Double) -> Double {
    var departure = 0.0
    for (i, s) in blockedShapes.enumerated() {
      let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: 300 + UInt64(i))
      let w = randomTensor([s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth], seed: 400 + UInt64(i))
      let b = randomTensor([s.outChannels], seed: 500 + UInt64(i))
      let dy = randomTensor([s.batch, s.outChannels, s.outHeight, s.outWidth], seed: 600 + UInt64(i))
      let ws = Conv2DWorkspace()
      ws.precision = precision
      let out = Tensor(dy.shape), dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor(b.shape)
      Conv2DOp.forward(x: x.data, shape: s, weight: w.data, bias: b.data, out: out.data, workspace: ws)
      Conv2DOp.backward(dOut: dy.data, x: x.data, shape: s, weight: w.data, dx: dx.data, dWeight: dw.data,
                        dBias: db.data, workspace: ws)
      func rounded(_ t: Tensor) -> Tensor {
        let r = Tensor(t.shape)
        for j in 0..<t.count { r[j] = round(t[j]) }
        return r
      }
      let (rx, rw, rdy) = (rounded(x), rounded(w), rounded(dy))
      let ref = naive(rx, rw, b, s), (rdx, rdw) = naiveBackward(rx, rw, rdy, s), exact = naive(x, w, b, s)
      for j in 0..<ref.count {
        XCTAssertEqual(Double(out[j]), ref[j], accuracy: tolerance, "\(precision) \(s) out[\(j)]")
        departure = max(departure, abs(Double(out[j]) - exact[j]))
      }
      for j in 0..<rdx.count { XCTAssertEqual(Double(dx[j]), rdx[j], accuracy: tolerance, "\(precision) \(s) dx[\(j)]") }
      for j in 0..<rdw.count { XCTAssertEqual(Double(dw[j]), rdw[j], accuracy: tolerance, "\(precision) \(s) dw[\(j)]") }
      for c in 0..<s.outChannels {
        var sum = 0.0
        for n in 0..<s.batch {
          for q in 0..<s.outPlane { sum += Double(rdy[(n * s.outChannels + c) * s.outPlane + q]) }
        }
        XCTAssertEqual(Double(db[c]), sum, accuracy: tolerance, "\(precision) \(s) db[\(c)]")
      }
    }
    return departure
  }

  func testBlockedLayoutsMatchDirectLoops() {
    checkBlockedLayouts(.fp32, round: { $0 }, tolerance: 1e-3)
  }

  /// bf16 operands: the results are those of exact arithmetic on the bf16-rounded source, weights and output
  /// gradient (fp32 accumulation adds only fp32 rounding), and they differ from the fp32 results by the
  /// operands' rounding, so bf16 really ran.
  ///
  /// oneDNN builds bf16 kernels only on AVX-512 CPUs; on others `--precision bf16` must be refused before
  /// any primitive exists, and that refusal is what is checked there.
  func testBF16RoundsTheOperandsAndAccumulatesInFP32() {
    guard CPUFeatures.current().hasAVX512Core else {
      return XCTAssertNotNil(Precision.bf16.unsupportedReason(), "a CPU without AVX-512 must refuse bf16")
    }
    let departure = checkBlockedLayouts(.bf16, round: bf16, tolerance: 2e-3)
    XCTAssertGreaterThan(departure, 1e-3, "bf16 outputs equal fp32's: the operands were not rounded")
  }

  func testParameterGradientsAccumulateAndDxHonoursAccumulate() {
    let s = shapes[0]
    let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: 4)
    let w = randomTensor([s.outChannels, s.inChannels, 3, 3], seed: 5)
    let dy = randomTensor([s.batch, s.outChannels, s.outHeight, s.outWidth], seed: 6)
    let dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor([s.outChannels])
    let ws = Conv2DWorkspace()
    Conv2DOp.backward(dOut: dy.data, x: x.data, shape: s, weight: w.data, dx: dx.data, dWeight: dw.data,
                      dBias: db.data, workspace: ws)
    let (dx1, dw1, db1) = (dx.toArray(), dw.toArray(), db.toArray())
    Conv2DOp.backward(dOut: dy.data, x: x.data, shape: s, weight: w.data, dx: dx.data, accumulate: true,
                      dWeight: dw.data, dBias: db.data, workspace: ws)
    for (after, once) in [(dx.toArray(), dx1), (dw.toArray(), dw1), (db.toArray(), db1)] {
      for j in 0..<once.count { XCTAssertEqual(after[j], 2 * once[j], accuracy: 1e-4 * (1 + abs(once[j]))) }
    }
  }

  func testWorkspaceIsReused() {
    let s = Conv2DShape(batch: 2, inChannels: 16, outChannels: 16, height: 7, width: 7, kernel: 3, stride: 1, padding: 1)
    let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: 7)
    let w = randomTensor([s.outChannels, s.inChannels, 3, 3], seed: 8)
    let out = Tensor([s.batch, s.outChannels, s.outHeight, s.outWidth])
    let dx = Tensor(x.shape), dw = Tensor(w.shape)
    let ws = Conv2DWorkspace()
    func step() {
      Conv2DOp.forward(x: x.data, shape: s, weight: w.data, bias: nil, out: out.data, workspace: ws)
      Conv2DOp.backward(dOut: out.data, x: x.data, shape: s, weight: w.data, dx: dx.data, dWeight: dw.data, dBias: nil,
                        workspace: ws)
    }
    step()
    let capacity = ws.capacity
    XCTAssertGreaterThan(capacity, 0, "16 channels run in a blocked layout, through scratch buffers")
    step()
    XCTAssertEqual(ws.capacity, capacity)
  }

  /// Forward, dx, dW, db of `s` with `algorithm` and caller `layouts` (planar operands converted by
  /// ``LayoutReorder``), returned planar.
  func run(_ s: Conv2DShape, _ algorithm: Conv2DAlgorithm, _ layouts: Conv2DLayouts) -> [[Float]] {
    let x = randomTensor([s.batch, s.inChannels, s.height, s.width], seed: 21)
    let w = randomTensor([s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth], seed: 22)
    let b = randomTensor([s.outChannels], seed: 23)
    let dy = randomTensor([s.batch, s.outChannels, s.outHeight, s.outWidth], seed: 24)
    let ws = Conv2DWorkspace()
    ws.algorithm = algorithm
    func stored(_ t: Tensor, _ layout: ActivationLayout, channels: Int, plane: Int) -> Tensor {
      let r = Tensor([s.batch * layout.storedChannels(channels) * plane])
      LayoutReorder.convert(t.data, .planar, to: r.data, layout, batch: s.batch, channels: channels, plane: plane,
                            workspace: ws)
      return r
    }
    func planar(_ t: Tensor, _ layout: ActivationLayout, channels: Int, plane: Int) -> [Float] {
      let r = Tensor([s.batch, channels, plane])
      LayoutReorder.convert(t.data, layout, to: r.data, .planar, batch: s.batch, channels: channels, plane: plane,
                            workspace: ws)
      return r.toArray()
    }
    let inPlane = s.height * s.width
    let xs = stored(x, layouts.source, channels: s.inChannels, plane: inPlane)
    let dys = stored(dy, layouts.output, channels: s.outChannels, plane: s.outPlane)
    let out = Tensor([dys.count]), dx = Tensor([xs.count]), dw = Tensor(w.shape), db = Tensor(b.shape)
    Conv2DOp.forward(x: xs.data, shape: s, weight: w.data, bias: b.data, out: out.data, layouts: layouts, workspace: ws)
    Conv2DOp.backward(dOut: dys.data, x: xs.data, shape: s, weight: w.data, dx: dx.data, dWeight: dw.data,
                      dBias: db.data, layouts: layouts, workspace: ws)
    return [planar(out, layouts.output, channels: s.outChannels, plane: s.outPlane),
            planar(dx, layouts.source, channels: s.inChannels, plane: inPlane), dw.toArray(), db.toArray()]
  }

  /// The UNet's convolutions: oneDNN's `auto` algorithm (Winograd on AVX-512 for this training shape) and
  /// channel-blocked caller layouts give direct convolution's results on planar operands, to float32
  /// rounding (relative L2 error of each of out, dx, dW, db), also with channels that pad the block.
  func testAutoAlgorithmAndBlockedLayoutsMatchDirectPlanar() {
    let shapes = [
      Conv2DShape(batch: 64, inChannels: 32, outChannels: 32, height: 28, width: 28, kernel: 3, stride: 1, padding: 1),
      Conv2DShape(batch: 3, inChannels: 12, outChannels: 20, height: 6, width: 6, kernel: 3, stride: 1, padding: 1),
    ]
    let blocked = Conv2DLayouts(source: .blocked, output: .blocked)
    for s in shapes {
      let reference = run(s, .direct, .planar)
      for (algorithm, layouts) in [(Conv2DAlgorithm.auto, Conv2DLayouts.planar), (.direct, blocked), (.auto, blocked)] {
        for (name, (got, want)) in zip(["out", "dx", "dW", "db"], zip(run(s, algorithm, layouts), reference)) {
          let diff = zip(got, want).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
          let norm = want.reduce(0.0) { $0 + Double($1) * Double($1) }
          XCTAssertLessThan((diff / norm).squareRoot(), 1e-5, "\(s) \(algorithm) \(layouts) \(name)")
        }
      }
    }
  }
}
