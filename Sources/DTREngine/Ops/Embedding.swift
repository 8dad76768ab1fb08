/// Embedding lookup: rows of a `[vocab, dim]` table selected by integer indices.
public enum EmbeddingOp {
  /// `out[i, :] = table[indices[i], :]`.
  public static func forward(
    table: UnsafePointer<Float>, dim: Int, indices: [Int], out: UnsafeMutablePointer<Float>
  ) {
    for (i, k) in indices.enumerated() { (out + i * dim).update(from: table + k * dim, count: dim) }
  }

  /// `dTable[indices[i], :] += dOut[i, :]` (repeated indices accumulate).
  public static func backward(
    dOut: UnsafePointer<Float>, dim: Int, indices: [Int], dTable: UnsafeMutablePointer<Float>
  ) {
    for (i, k) in indices.enumerated() {
      let d = dTable + k * dim, g = dOut + i * dim
      for c in 0..<dim { d[c] += g[c] }
    }
  }
}
