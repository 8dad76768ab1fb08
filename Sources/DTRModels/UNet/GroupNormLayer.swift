import DTREngine

/// Affine group normalisation (ADM's `GroupNorm32`, ε = 1e-5) owning `<prefix>.weight` (ones at init) and
/// `<prefix>.bias`; the group count is ``UNetLayout/groups(channels:limit:)``.
final class GroupNormLayer {
  static let eps: Float = 1e-5
  let weight: Parameter, bias: Parameter
  let channels: Int, groups: Int

  init(_ store: ParameterStore, _ prefix: String, channels: Int, groupLimit: Int) {
    self.channels = channels
    groups = UNetLayout.groups(channels: channels, limit: groupLimit)
    weight = store.make("\(prefix).weight", [channels])
    bias = store.make("\(prefix).bias", [channels])
    weight.value.data.update(repeating: 1, count: channels)
  }

  /// Normalises `x[batch, channels, plane]` into `out`, saving `batch·groups` means and rstds.
  func forward(_ x: UnsafePointer<Float>, batch: Int, plane: Int, out: UnsafeMutablePointer<Float>,
               mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
    GroupNormOp.forward(x: x, batch: batch, channels: channels, plane: plane, groups: groups, eps: Self.eps,
                        weight: weight.value.data, bias: bias.value.data, out: out, mean: mean, rstd: rstd)
  }

  /// Accumulates weight and bias gradients; writes (or adds, when `accumulate`) dL/dx into `dx`.
  func backward(_ dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, plane: Int,
                mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                accumulate: Bool = false, ws: UNetWorkspace) {
    GroupNormOp.backward(dOut: dOut, x: x, batch: batch, channels: channels, plane: plane, groups: groups,
                         mean: mean, rstd: rstd, weight: weight.value.data, dx: dx, accumulate: accumulate,
                         dWeight: weight.grad.data, dBias: bias.grad.data, channelSums: ws.channelSums.data)
  }
}
