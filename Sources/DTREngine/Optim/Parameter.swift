/// A trainable (or frozen) tensor with its gradient and a hierarchical, PyTorch-style name
/// (`blocks.3.attn.qkv.weight`). Weights use PyTorch's `[out, in]` layout.
public final class Parameter: @unchecked Sendable {
  /// Dotted name, as in a PyTorch `state_dict`.
  public let name: String
  /// The values.
  public let value: Tensor
  /// Accumulated gradient (same shape as ``value``).
  public let grad: Tensor
  /// Frozen parameters (e.g. DiT's fixed sin-cos position table) are saved but never updated.
  public let trainable: Bool

  /// A zero-initialised parameter.
  public init(_ name: String, _ shape: [Int], trainable: Bool = true) {
    self.name = name
    self.value = Tensor(shape)
    self.grad = Tensor(trainable ? shape : [0])
    self.trainable = trainable
  }
}

/// An ordered collection of named parameters: what a model owns, what the optimiser updates and what
/// a checkpoint stores.
public final class ParameterStore: @unchecked Sendable {
  /// Parameters in creation order.
  public private(set) var all: [Parameter] = []
  private var index: [String: Parameter] = [:]

  /// An empty store.
  public init() {}

  /// Creates and registers a parameter; names must be unique.
  @discardableResult
  public func make(_ name: String, _ shape: [Int], trainable: Bool = true) -> Parameter {
    precondition(index[name] == nil, "duplicate parameter name \(name)")
    let p = Parameter(name, shape, trainable: trainable)
    all.append(p)
    index[name] = p
    return p
  }

  /// The parameter called `name`, if any.
  public subscript(name: String) -> Parameter? { index[name] }

  /// The trainable parameters.
  public var trainable: [Parameter] { all.filter(\.trainable) }

  /// Total number of trainable scalars.
  public var trainableCount: Int { trainable.reduce(0) { $0 + $1.value.count } }

  /// Sets every gradient to zero.
  public func zeroGrad() {
    for p in all where p.trainable { p.grad.zero() }
  }

  /// The global L2 norm of all gradients (accumulated in double precision).
  public func gradNorm() -> Float {
    var s: Double = 0
    for p in all where p.trainable { s += Double(Kernels.sumOfSquares(p.grad.data, p.grad.count)) }
    return Float(s.squareRoot())
  }

  /// Scales all gradients so that their global norm is at most `maxNorm`; returns the norm before
  /// clipping.
  @discardableResult
  public func clipGradNorm(_ maxNorm: Float) -> Float {
    let norm = gradNorm()
    if norm.isFinite, norm > maxNorm {
      let s = maxNorm / (norm + 1e-6)
      for p in all where p.trainable { Kernels.scale(p.grad.data, p.grad.count, by: s) }
    }
    return norm
  }

  /// Copies every value from `other`, which must hold the same names and shapes.
  public func copyValues(from other: ParameterStore) {
    for p in all { p.value.copy(from: other[p.name]!.value) }
  }
}
