import Foundation

/// DiT's fixed sinusoidal embeddings (positions and timesteps).
public enum SinCos {
  /// The 2-D sin-cos position table `[rows·columns, dim]` of MAE/DiT, tokens in row-major order: for the
  /// token at row i, column j, with ω_d = 10000^(−d/(dim/4)), features `[sin(jω), cos(jω), sin(iω), cos(iω)]`
  /// (the column comes first, a meshgrid quirk of the reference code). Square grids are the reference's;
  /// a rectangular grid (the 7×14 tokens of a 28×56 canvas) uses the same formula per axis.
  public static func positions2D(dim: Int, rows: Int, columns: Int) -> [Float] {
    let q = dim / 4
    var out = [Float](repeating: 0, count: rows * columns * dim)
    for i in 0..<rows {
      for j in 0..<columns {
        let base = (i * columns + j) * dim
        for d in 0..<q {
          let w = pow(10000.0, -Double(d) / Double(q))
          out[base + d] = Float(sin(Double(j) * w))
          out[base + q + d] = Float(cos(Double(j) * w))
          out[base + 2 * q + d] = Float(sin(Double(i) * w))
          out[base + 3 * q + d] = Float(cos(Double(i) * w))
        }
      }
    }
    return out
  }

  /// The timestep features `[N, dim]`: `[cos(t·f), sin(t·f)]` with f_k = e^{−ln(10000)·k/(dim/2)}
  /// (cos first, as DiT's `TimestepEmbedder`); t is the raw integer timestep.
  public static func timesteps(_ ts: [Int], dim: Int, into out: UnsafeMutablePointer<Float>) {
    let half = dim / 2
    for (n, t) in ts.enumerated() {
      for k in 0..<half {
        let a = Double(t) * exp(-log(10000.0) * Double(k) / Double(half))
        out[n * dim + k] = Float(cos(a))
        out[n * dim + half + k] = Float(sin(a))
      }
    }
  }
}
