import DTREngine
import DTRModels

/// `--precision`: the number format of a network's convolutions, shared by the commands that build or
/// load one (``ModelOptions``, ``CheckpointOptions``).
enum PrecisionFlag {
  /// The flag's help text.
  static let help = "Convolution precision: fp32 (default) or bf16 (a UNet on a CPU with AVX512_BF16: bf16 operands, fp32 accumulation and master weights)."

  /// The precision `text` names (fp32 when nil) for a network of configuration `model` on this CPU, or an
  /// error naming the problem and the fix.
  static func parse(_ text: String?, for model: ModelConfig) throws -> Precision {
    guard let p = Precision(rawValue: text ?? "fp32") else {
      throw CLIError("unknown precision '\(text ?? "")'; use fp32 or bf16")
    }
    if let e = model.precisionError(p) { throw CLIError(e) }
    return p
  }
}
