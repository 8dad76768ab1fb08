import DTREngine
import DTRModels

/// The number format of the FID probe's sampling during training: `auto` (the default of new runs) samples
/// a UNet with bf16 convolution operands where the CPU has AVX512_BF16 and in fp32 elsewhere; `fp32` and
/// `bf16` force one. Training itself keeps its own ``Precision``.
///
/// bf16 sampling moved the probe's FID-2k by 0.02 on the default model (9.16 against 9.14 at step 1872;
/// 4.05 against 4.06 at step 4562) in about 0.8× the time (docs/performance.md, "Latest"): well inside the
/// probe's seed-to-seed noise, so the probe follows training as closely and costs less.
public enum ProbePrecision: String, Sendable, Codable, CaseIterable {
  /// bf16 for a UNet on a CPU with AVX512_BF16, else fp32.
  case auto
  /// fp32 always.
  case fp32
  /// bf16 always (a UNet on a CPU with AVX512_BF16).
  case bf16

  /// The precision the probe samples `model` with on this CPU.
  public func resolved(for model: ModelConfig) -> Precision {
    switch self {
    case .fp32: return .fp32
    case .bf16: return .bf16
    case .auto: return model.precisionError(.bf16) == nil ? .bf16 : .fp32
    }
  }

  /// Why `model` cannot be probed at this precision here, or nil.
  public func error(for model: ModelConfig) -> String? {
    self == .bf16 ? model.precisionError(.bf16, flag: "--eval-precision") : nil
  }
}
