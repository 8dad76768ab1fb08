/// A fully connected layer owning its `[out, in]` weight and optional bias in a ``ParameterStore``.
public final class Linear: @unchecked Sendable {
  /// Weight `[outDim, inDim]`.
  public let weight: Parameter
  /// Bias `[outDim]`, if any.
  public let bias: Parameter?
  /// Input width.
  public let inDim: Int
  /// Output width.
  public let outDim: Int

  /// Registers `<name>.weight` (and `<name>.bias`) in `store`, zero-initialised.
  public init(_ store: ParameterStore, _ name: String, _ inDim: Int, _ outDim: Int, bias: Bool = true) {
    self.inDim = inDim
    self.outDim = outDim
    weight = store.make("\(name).weight", [outDim, inDim])
    self.bias = bias ? store.make("\(name).bias", [outDim]) : nil
  }

  /// `out = x·Wᵀ + b` over `rows` rows; `withBias: false` leaves the bias to a fused later pass.
  public func forward(_ x: UnsafePointer<Float>, rows: Int, _ out: UnsafeMutablePointer<Float>, withBias: Bool = true) {
    LinearOp.forward(x: x, rows: rows, inDim: inDim, outDim: outDim, weight: weight.value.data,
                     bias: withBias ? bias?.value.data : nil, out: out)
  }

  /// Accumulates weight and bias gradients and writes (or adds, when `accumulate`) dx if requested.
  public func backward(
    _ dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int,
    dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false
  ) {
    LinearOp.backward(dOut: dOut, x: x, rows: rows, inDim: inDim, outDim: outDim, weight: weight.value.data,
                      dx: dx, accumulate: accumulate, dWeight: weight.grad.data, dBias: bias?.grad.data)
  }

  /// Xavier-uniform weight, zero bias (DiT's `_basic_init`).
  public func initXavier(_ rng: inout SplitMix64) {
    Initializer.xavierUniform(weight.value, fanIn: inDim, fanOut: outDim, rng: &rng)
    bias?.value.zero()
  }
}
