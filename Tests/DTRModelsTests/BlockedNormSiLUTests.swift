import DTREngine
import DTRTestSupport
import Foundation
import XCTest

@testable import DTRModels

/// The residual blocks' fused normalisation on channel-blocked tiles, at both block widths (8: AVX2's
/// `nChw8c`, 16: AVX-512's `nChw16c`), whichever this CPU uses in the UNet: 12 channels leave padding
/// lanes at both widths, 3 groups of 4 channels, a routing mask and the scale-shift modulation.
final class BlockedNormSiLUTests: XCTestCase {
  let (batch, channels, groups, plane) = (2, 12, 3, 5)

  /// Random planar x, GroupNorm parameters, mask rows and `[N, 2C]` modulation rows.
  func inputs(seed: UInt64) -> (x: [Float], weight: Tensor, bias: Tensor, mask: Tensor, e: Tensor) {
    var rng = SplitMix64(seed: seed)
    var x = [Float](repeating: 0, count: batch * channels * plane)
    x.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, count: $0.count, mean: 0.3, std: 1.5) }
    let weight = Tensor([channels]), bias = Tensor([channels]), mask = Tensor([batch * channels]), e = Tensor([batch * 2 * channels])
    rng.fillNormal(weight.data, count: channels, mean: 1, std: 0.3)
    rng.fillNormal(bias.data, count: channels, std: 0.3)
    rng.fillNormal(e.data, count: e.count, std: 0.4)
    for i in 0..<mask.count { mask[i] = i % 5 == 2 ? 0 : 1 }
    return (x, weight, bias, mask, e)
  }

  func stored(_ width: Int) -> Int { (channels + width - 1) / width * width }

  /// Planar `[N, C, P]` → `[N, C'/b, P, b]` with zero padding lanes.
  func blocked(_ x: [Float], width: Int) -> Tensor {
    let cs = stored(width), out = Tensor([batch * cs * plane])
    for n in 0..<batch {
      for c in 0..<channels {
        for p in 0..<plane {
          out[n * cs * plane + (c / width) * width * plane + p * width + c % width] = x[(n * channels + c) * plane + p]
        }
      }
    }
    return out
  }

  func planar(_ t: Tensor, width: Int) -> [Float] {
    let cs = stored(width)
    var out = [Float](repeating: 0, count: batch * channels * plane)
    for n in 0..<batch {
      for c in 0..<channels {
        for p in 0..<plane { out[(n * channels + c) * plane + p] = t[n * cs * plane + (c / width) * width * plane + p * width + c % width] }
      }
    }
    return out
  }

  func kernel(_ weight: Tensor, _ bias: Tensor, _ mask: Tensor, _ e: Tensor, width: Int) -> BlockedNormSiLU {
    BlockedNormSiLU(channels: channels, groups: groups, plane: plane, eps: 1e-5, weight: weight.data, bias: bias.data,
                    mask: UnsafePointer(mask.data), modulation: (UnsafePointer(e.data), UnsafePointer(e.data + channels), 2 * channels),
                    width: width)
  }

  /// SiLU(GN(m ⊙ x)·(1 + scale) + shift) in double precision on planar data.
  func reference(_ x: [Float], _ weight: Tensor, _ bias: Tensor, _ mask: Tensor, _ e: Tensor) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    let per = channels / groups
    for n in 0..<batch {
      for g in 0..<groups {
        var values: [Double] = []
        for c in g * per..<(g + 1) * per {
          for p in 0..<plane { values.append(Double(mask[n * channels + c]) * Double(x[(n * channels + c) * plane + p])) }
        }
        let mu = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count)
        for (j, a) in values.enumerated() {
          let c = g * per + j / plane, p = j % plane
          let normed = (a - mu) / (variance + 1e-5).squareRoot() * Double(weight[c]) + Double(bias[c])
          let v = normed * (1 + Double(e[n * 2 * channels + c])) + Double(e[n * 2 * channels + channels + c])
          out[(n * channels + c) * plane + p] = Float(v / (1 + Foundation.exp(-v)))
        }
      }
    }
    return out
  }

  func testForwardMatchesReferenceAndZeroesPaddingAtBothWidths() {
    let (x, weight, bias, mask, e) = inputs(seed: 3)
    let expected = reference(x, weight, bias, mask, e)
    for width in [8, 16] {
      let xb = blocked(x, width: width), out = Tensor([xb.count])
      let mean = Tensor([batch * groups]), rstd = Tensor([batch * groups])
      out.data.update(repeating: .nan, count: out.count)
      kernel(weight, bias, mask, e, width: width).forward(xb.data, batch: batch, out: out.data, mean: mean.data, rstd: rstd.data)
      let got = planar(out, width: width)
      for i in 0..<expected.count { XCTAssertEqual(got[i], expected[i], accuracy: 2e-5 * max(1, abs(expected[i])), "width \(width) element \(i)") }
      XCTAssertEqual(out.toArray().reduce(0) { $0 + abs($1) }, got.reduce(0) { $0 + abs($1) }, accuracy: 1e-3,
                     "width \(width): padding lanes must hold zeros")
    }
  }

  func testGradientsMatchFiniteDifferencesAtBothWidths() {
    let (x, weight, bias, mask, e) = inputs(seed: 5)
    for width in [8, 16] {
      let xb = blocked(x, width: width), out = Tensor([xb.count]), grad = Tensor([xb.count])
      let mean = Tensor([batch * groups]), rstd = Tensor([batch * groups]), sums = Tensor([2 * batch * channels])
      let dWeight = Tensor([channels]), dBias = Tensor([channels]), dE = Tensor([e.count])
      let k = kernel(weight, bias, mask, e, width: width)
      let report = GradientCheck.run(
        inputs: [xb, weight, bias, e], options: .init(absoluteFloor: 1e-2),
        forward: {
          k.forward(xb.data, batch: self.batch, out: out.data, mean: mean.data, rstd: rstd.data)
          return out
        },
        backward: { dOut in
          grad.copy(from: dOut)
          dWeight.zero()
          dBias.zero()
          k.backward(grad.data, x: xb.data, batch: self.batch, mean: mean.data, rstd: rstd.data, dScale: dE.data,
                     dShift: dE.data + self.channels, dWeight: dWeight.data, dBias: dBias.data, channelSums: sums.data)
          return [grad, dWeight, dBias, dE]
        })
      XCTAssertTrue(report.passed, "width \(width): \(report)")
    }
  }
}
