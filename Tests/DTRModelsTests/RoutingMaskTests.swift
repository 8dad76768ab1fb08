import DTREngine
import DTRModels
import XCTest

final class RoutingMaskTests: XCTestCase {
  /// Test vectors from dtr-spec.md §2.1 (numpy, β = 0.8, α = 4, T = 1000): start[t] at t = 0, 100, …, 900, 999.
  func testStartsMatchTheOfficialCode() {
    let vectors: [Int: [Int]] = [
      384: [0, 0, 0, 1, 2, 5, 10, 19, 32, 51, 77],
      256: [0, 0, 0, 0, 1, 3, 7, 13, 21, 34, 52],
      128: [0, 0, 0, 0, 1, 2, 3, 6, 11, 17, 26],
    ]
    for (c, expected) in vectors {
      let m = RoutingMask.dtr(timesteps: 1000, channels: c, alpha: 4, beta: 0.8)
      let ts = Array(stride(from: 0, through: 900, by: 100)) + [999]
      XCTAssertEqual(ts.map { m.starts![$0] }, expected, "C=\(c)")
      XCTAssertEqual(m.width, Int(Double(c) * 0.8))
      for t in [0, 500, 999] { XCTAssertEqual(m.activeChannels(t: t).count, m.width) }
    }
    XCTAssertEqual(RoutingMask.dtr(timesteps: 10, channels: 10, alpha: 1, beta: 0.5).starts!, [0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
    XCTAssertEqual(RoutingMask.dtr(timesteps: 10, channels: 10, alpha: 4, beta: 0.5).starts!, [0, 0, 0, 0, 0, 0, 1, 2, 3, 5])
  }

  func testRandomRoutingHasExactlyNChannelsAndIsSeeded() {
    let tables = RoutingMask.tables(kind: .random, blocks: 3, timesteps: 50, channels: 13, alpha: 4, beta: 0.6, seed: 9)
    XCTAssertNotEqual(tables[0], tables[1], "blocks draw independent tables")
    for t in 0..<50 { XCTAssertEqual(tables[2].activeChannels(t: t).count, 7) }
    XCTAssertEqual(tables, RoutingMask.tables(kind: .random, blocks: 3, timesteps: 50, channels: 13, alpha: 4, beta: 0.6, seed: 9))
  }

  func testBetaOneIsBitIdenticalToNoRouting() {
    var a = DiTTests.microConfig(.dtr, beta: 1), b = DiTTests.microConfig(.none, beta: 1)
    a.alpha = 4
    b.alpha = 4
    let ma = DiT(a, seed: 2), mb = DiT(b, seed: 2)
    var rng = SplitMix64(seed: 4)
    for (p, q) in zip(ma.parameters.all, mb.parameters.all) where p.trainable {
      rng.fillNormal(p.value.data, count: p.value.count, std: 0.2)
      q.value.copy(from: p.value)
    }
    let x = Tensor([3, 1, 8, 8]), oa = Tensor([3, 1, 8, 8]), ob = Tensor([3, 1, 8, 8])
    rng.fillNormal(x.data, count: x.count)
    ma.forward(x, t: [0, 400, 999], y: [1, 2, 10], out: oa)
    mb.forward(x, t: [0, 400, 999], y: [1, 2, 10], out: ob)
    XCTAssertEqual(oa.toArray().map(\.bitPattern), ob.toArray().map(\.bitPattern))
    XCTAssertTrue(oa.toArray().contains { $0 != 0 })
  }

  func testEachSampleUsesItsOwnTimestepRow() {
    // Same image at two timesteps in one batch equals two separate single-sample calls.
    let m = DiT(DiTTests.microConfig(.dtr, beta: 0.5), seed: 3)
    var rng = SplitMix64(seed: 5)
    for p in m.parameters.trainable { rng.fillNormal(p.value.data, count: p.value.count, std: 0.2) }
    let x1 = Tensor([1, 1, 8, 8])
    rng.fillNormal(x1.data, count: 64)
    let x2 = Tensor([2, 1, 8, 8])
    x2.data.update(from: x1.data, count: 64)
    (x2.data + 64).update(from: x1.data, count: 64)
    let both = Tensor([2, 1, 8, 8]), single = Tensor([1, 1, 8, 8])
    m.forward(x2, t: [10, 990], y: [3, 3], out: both)
    m.forward(x1, t: [990], y: [3], out: single)
    for i in 0..<64 { XCTAssertEqual(both[64 + i], single[i], accuracy: 1e-5) }
    XCTAssertNotEqual(Array(both.toArray()[0..<64]), Array(both.toArray()[64..<128]))
  }
}
