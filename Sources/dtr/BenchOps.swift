import ArgumentParser
import DTREngine
import Foundation

/// `dtr bench ops`: each op at the default model's shapes, beside the machine's measured ceilings.
struct BenchOps: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ops", abstract: "Throughput of each engine op at the default model's shapes (batch 128, D 128).")

  @Flag(help: "One JSON object per line.") var json = false
  @Option(help: "Timed repeats per op (best is reported).") var repeats = 5

  func run() throws {
    let out = BenchOutput(json: json)
    let ceiling = MachineCeiling.current()
    let bw = ceiling.triadGBs
    out.emit(["op": "ceiling", "triad_gb_s": bw, "sgemm_gflops_1536cubed": ceiling.sgemmGFLOPs, "cpu": ceiling.cpu,
              "blas_core": ceiling.blasCore],
             row: "measured ceilings: " + ceiling.summary)
    let region = bestTime(repeats: repeats) {
      for _ in 0..<1000 { Parallel.forRange(Parallel.workers, minChunk: 1) { _, _ in } }
    } / 1000
    out.emit(["op": "parallel_region", "us": region * 1e6, "workers": Parallel.workers],
             row: String(format: "parallel region (fork + join of %d workers, empty body): %.1f µs", Parallel.workers,
                         region * 1e6))
    for tokens in [49, 196] { benchAt(tokens: tokens, out: out, bandwidth: bw) }
    benchConv(out: out)
  }

  private func report(_ out: BenchOutput, _ name: String, _ shape: String, seconds: Double, flops: Double? = nil,
                      bytes: Double? = nil, bandwidth: Double = 0) {
    var f: [String: Any] = ["op": name, "shape": shape, "ms": seconds * 1e3]
    var row = name.padding(toLength: 26, withPad: " ", startingAt: 0) + shape.padding(toLength: 30, withPad: " ", startingAt: 0)
      + String(format: "%8.3f ms", seconds * 1e3)
    if let flops {
      f["gflops"] = flops / seconds / 1e9
      row += String(format: "  %7.1f GFLOP/s", flops / seconds / 1e9)
    }
    if let bytes {
      let gbs = bytes / seconds / 1e9
      f["gb_s"] = gbs
      f["bandwidth_share"] = gbs / bandwidth
      row += String(format: "  %6.1f GB/s (%3.0f%% of triad)", gbs, 100 * gbs / bandwidth)
    }
    out.emit(f, row: row)
  }

  private func benchAt(tokens L: Int, out: BenchOutput, bandwidth bw: Double) {
    let N = 128, D = 128, H = 4, M = N * L
    var rng = SplitMix64(seed: 1)
    func rnd(_ s: [Int]) -> Tensor {
      let t = Tensor(s)
      rng.fillNormal(t.data, count: t.count)
      return t
    }
    let x = rnd([M, D]), w = rnd([3 * D, D]), b = rnd([3 * D]), y = Tensor([M, 3 * D]), dx = Tensor([M, D])
    let big2 = Tensor([M, 4 * D])
    let dw = Tensor([3 * D, D]), db = Tensor([3 * D]), big = rnd([M, 4 * D]), bigOut = Tensor([M, 4 * D])
    let mean = Tensor([M]), rstd = Tensor([M]), mod = rnd([N, 6 * D]), dmod = Tensor([N, 6 * D]), lnOut = Tensor([M, D])
    let shape = "N\(N) L\(L) D\(D)"
    let fl = 2.0 * Double(M) * Double(D) * Double(3 * D)
    report(out, "linear fwd (qkv)", shape, seconds: bestTime(repeats: repeats) {
      LinearOp.forward(x: x.data, rows: M, inDim: D, outDim: 3 * D, weight: w.data, bias: b.data, out: y.data)
    }, flops: fl)
    report(out, "linear bwd (qkv)", shape, seconds: bestTime(repeats: repeats) {
      LinearOp.backward(dOut: y.data, x: x.data, rows: M, inDim: D, outDim: 3 * D, weight: w.data, dx: dx.data,
                        dWeight: dw.data, dBias: db.data)
    }, flops: 2 * fl)
    let rw = Double(2 * M * D * 4)
    report(out, "layernorm fwd", shape, seconds: bestTime(repeats: repeats) {
      LayerNormOp.forward(x: x.data, rows: M, dim: D, eps: 1e-6, out: lnOut.data, mean: mean.data, rstd: rstd.data)
    }, bytes: rw, bandwidth: bw)
    report(out, "layernorm+modulate fwd", shape, seconds: bestTime(repeats: repeats) {
      LayerNormModulateOp.forward(x: x.data, batch: N, tokens: L, dim: D, eps: 1e-6, shift: mod.data, scale: mod.data + D,
                                  paramStride: 6 * D, out: lnOut.data, mean: mean.data, rstd: rstd.data)
    }, bytes: rw, bandwidth: bw)
    report(out, "layernorm+modulate bwd", shape, seconds: bestTime(repeats: repeats) {
      LayerNormModulateOp.backward(dOut: lnOut.data, x: x.data, batch: N, tokens: L, dim: D, mean: mean.data,
                                   rstd: rstd.data, scale: mod.data + D, paramStride: 6 * D, dx: dx.data,
                                   dShift: dmod.data, dScale: dmod.data + D)
    }, bytes: 3 * rw / 2, bandwidth: bw)
    let gb = Double(2 * M * 4 * D * 4)
    report(out, "gelu fwd", "N\(N) L\(L) 4D\(4 * D)", seconds: bestTime(repeats: repeats) {
      GELUOp.forward(x: big.data, rows: M, cols: 4 * D, out: bigOut.data)
    }, bytes: gb, bandwidth: bw)
    report(out, "gelu bwd", "N\(N) L\(L) 4D\(4 * D)", seconds: bestTime(repeats: repeats) {
      GELUOp.backward(dOut: bigOut.data, x: big.data, count: M * 4 * D, dx: big2.data)
    }, bytes: 1.5 * gb, bandwidth: bw)
    let qkv = rnd([M, 3 * D]), probs = Tensor([N * H * L * L]), att = Tensor([M, D]), dqkv = Tensor([M, 3 * D])
    let scratch = Tensor([AttentionOp.scratchCount(tokens: L)])
    let afl = 4.0 * Double(N) * Double(L * L) * Double(D)
    report(out, "attention fwd", "\(shape) H\(H)", seconds: bestTime(repeats: repeats) {
      AttentionOp.forward(qkv: qkv.data, batch: N, tokens: L, dim: D, heads: H, probs: probs.data, scratch: scratch.data,
                          out: att.data)
    }, flops: afl)
    report(out, "attention bwd", "\(shape) H\(H)", seconds: bestTime(repeats: repeats) {
      AttentionOp.backward(dOut: att.data, qkv: qkv.data, probs: probs.data, batch: N, tokens: L, dim: D, heads: H,
                           dqkv: dqkv.data, scratch: scratch.data)
    }, flops: 2 * afl)
    let mask = Tensor([N, D], (0..<(N * D)).map { Float($0 % 5 == 0 ? 0 : 1) })
    report(out, "channel mask", shape, seconds: bestTime(repeats: repeats) {
      ChannelMaskOp.forward(x: x.data, mask: mask.data, batch: N, tokens: L, dim: D, out: lnOut.data)
    }, bytes: rw, bandwidth: bw)
  }

  private func benchConv(out: BenchOutput) {
    for (hw, c) in [(28, 64), (14, 128)] {
      let s = Conv2DShape(batch: 128, inChannels: c, outChannels: c, height: hw, width: hw, kernel: 3, padding: 1)
      var rng = SplitMix64(seed: 2)
      let x = Tensor([s.inputCount]), w = Tensor([s.weightCount]), y = Tensor([s.outputCount])
      rng.fillNormal(x.data, count: x.count)
      rng.fillNormal(w.data, count: w.count)
      let ws = Conv2DWorkspace()
      let t = bestTime(repeats: repeats) {
        Conv2DOp.forward(x: x.data, shape: s, weight: w.data, bias: nil, out: y.data, workspace: ws)
      }
      let ref = SgemmProbe.measure(m: s.outChannels, n: s.batch * s.outPlane, k: s.patchSize, repeats: repeats)
      report(out, "conv2d 3x3 fwd", s.description, seconds: t, flops: s.forwardFlops)
      out.emit(["op": "conv2d_vs_sgemm", "shape": s.description, "ratio": s.forwardFlops / t / 1e9 / ref, "sgemm_gflops": ref],
               row: String(format: "  conv at %.0f%% of sgemm at the same matrix shape (%.0f GFLOP/s)",
                           100 * s.forwardFlops / t / 1e9 / ref, ref))
    }
  }

  /// Stream-triad bandwidth with the engine's workers (GB/s, 3 arrays × 4 bytes per element).
}
