import DTREngine

/// The conditioning vector shared by DiT and ADM: `c = MLP(sincos(t)) + table[y]` with
/// `MLP = Linear → SiLU → Linear`, and its activation `SiLU(c)`, which every block's modulation reads.
/// A captioned DiT has no label table: its pooled text embedding takes the table row's place
/// (`c = MLP(sincos(t)) + pooled`, given to ``forward(t:y:extra:)``; its gradient is ``dC``).
///
/// DiT names the layers `t_embedder.mlp.0/2` and `y_embedder.embedding_table` (256 frequency features);
/// ADM names them `time_embed.0/2` and `label_emb` (base-width features). Both use ``SinCos/timesteps(_:dim:into:)``.
final class ConditionEmbedder {
  let features: Int, dim: Int
  let fc0: Linear, fc2: Linear
  /// The `[rows, dim]` label table, nil for a captioned model.
  let table: Parameter?

  /// SiLU(c) of the last forward, `[N, dim]`.
  private(set) var activation = Tensor([0])
  /// dL/d SiLU(c), `[N, dim]`: zeroed by ``forward(t:y:extra:)``, accumulated by the blocks, read by ``backward()``.
  private(set) var dActivation = Tensor([0])
  /// dL/dc, `[N, dim]`, after ``backward()`` (the gradient of the extra input).
  private(set) var dC = Tensor([0])

  private var capacity = 0
  private var labels: [Int] = []
  private var freq = Tensor([0]), hidden = Tensor([0]), hiddenAct = Tensor([0]), c = Tensor([0]), tmp = Tensor([0])

  /// Registers `<mlp.0>`, `<mlp.2>` (`features → dim → dim`) and the `[rows, dim]` label `table`
  /// (none when `rows` is 0).
  init(_ store: ParameterStore, mlp: (String, String), table tableName: String, features: Int, dim: Int, rows: Int) {
    self.features = features
    self.dim = dim
    fc0 = Linear(store, mlp.0, features, dim)
    fc2 = Linear(store, mlp.1, dim, dim)
    table = rows > 0 ? store.make(tableName, [rows, dim]) : nil
  }

  /// Grows the buffers to `batch` rows.
  func reserve(batch n: Int) {
    guard n > capacity else { return }
    capacity = n
    freq = Tensor([n, features]); hidden = Tensor([n, dim]); hiddenAct = Tensor([n, dim]); c = Tensor([n, dim])
    tmp = Tensor([n, dim]); activation = Tensor([n, dim]); dActivation = Tensor([n, dim]); dC = Tensor([n, dim])
  }

  /// Computes SiLU(c) for timesteps `t` and labels `y` (or `extra`, `[N, dim]`, added instead of a table
  /// row) into ``activation`` (growing the buffers as needed).
  func forward(t: [Int], y: [Int], extra: UnsafePointer<Float>? = nil) {
    let N = t.count
    reserve(batch: N)
    labels = y
    SinCos.timesteps(t, dim: features, into: freq.data)
    fc0.forward(freq.data, rows: N, hidden.data)
    SiLUOp.forward(x: hidden.data, count: N * dim, out: hiddenAct.data)
    fc2.forward(hiddenAct.data, rows: N, c.data)
    if let table {
      EmbeddingOp.forward(table: table.value.data, dim: dim, indices: y, out: tmp.data)
      Kernels.add(tmp.data, into: c.data, N * dim)
    }
    if let extra { Kernels.add(extra, into: c.data, N * dim) }
    SiLUOp.forward(x: c.data, count: N * dim, out: activation.data)
    dActivation.data.update(repeating: 0, count: N * dim)
  }

  /// Accumulates the gradients of the MLP and the table from ``dActivation``, leaving dL/dc in ``dC``.
  func backward() {
    let N = labels.count
    SiLUOp.backward(dOut: dActivation.data, x: c.data, count: N * dim, dx: dC.data)
    if let table { EmbeddingOp.backward(dOut: dC.data, dim: dim, indices: labels, dTable: table.grad.data) }
    fc2.backward(dC.data, x: hiddenAct.data, rows: N, dx: dActivation.data)
    SiLUOp.backward(dOut: dActivation.data, x: hidden.data, count: N * dim, dx: tmp.data)
    fc0.backward(tmp.data, x: freq.data, rows: N, dx: nil)
  }
}
