import DTREngine

/// What the diffusion process and the trainer need from a network: ε-prediction with explicit
/// backward, named parameters, and per-block routing tables that can change between epochs.
public protocol DenoisingNetwork: AnyObject, Sendable {
  /// The architecture and routing settings.
  var config: ModelConfig { get }
  /// All parameters, named as in the reference implementation's `state_dict`.
  var parameters: ParameterStore { get }
  /// One routing table per routed block (`[T, C_block]`).
  var masks: [RoutingMask] { get }
  /// The captions that labels select, for a captioned model (``ModelConfig/captioned``): whoever holds
  /// the captions of a batch or a set of prompts binds them here before calling ``forward(_:t:y:out:)``.
  /// Always nil for models conditioned on class labels.
  var captions: CaptionTable? { get set }
  /// The number format of the convolutions (``Precision``); fp32 unless set, and only what
  /// ``ModelConfig/precisionError(_:flag:)`` allows.
  var precision: Precision { get set }
  /// Predicts ε for `x` (`[N, C, H, W]`) at original timesteps `t` with labels `y` into `out`; keeps what
  /// ``backward(_:)`` needs.
  func forward(_ x: Tensor, t: [Int], y: [Int], out: Tensor)
  /// Accumulates parameter gradients for dL/d(output) of the last forward.
  func backward(_ dOut: Tensor)
  /// Rebuilds the routing tables for new α and β.
  func setRouting(alpha: Double, beta: Double)
  /// Replaces the routing tables (restoring a checkpoint).
  func setMasks(_ masks: [RoutingMask])
}

extension DiT: DenoisingNetwork {
  /// Always fp32: a DiT's GEMMs run on OpenBLAS's sgemm (asking for bf16 is a programming error; see
  /// ``ModelConfig/precisionError(_:flag:)``).
  public var precision: Precision {
    get { .fp32 }
    set { precondition(newValue == .fp32, "a DiT computes in fp32 only") }
  }
}
