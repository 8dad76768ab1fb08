import ArgumentParser
import DTREngine
import DTREvaluation
import DTRModels

/// `--precision fp32|bf16` parses as a ``Precision``; ArgumentParser names the choices when a value is not one.
extension Precision: ExpressibleByArgument {}

/// `--eval-precision auto|fp32|bf16` parses as a ``ProbePrecision``.
extension ProbePrecision: ExpressibleByArgument {}

/// `--precision`: the number format of a network's convolutions, shared by the commands that build or
/// load one (``ModelOptions``, ``CheckpointOptions``).
enum PrecisionFlag {
  /// The flag's help text.
  static let help = ArgumentHelp(
    "Convolution precision: fp32 (default) or bf16 (a UNet on a CPU with AVX512_BF16: bf16 operands, fp32 accumulation and master weights).")

  /// `given` (fp32 when nil) if a network of configuration `model` can compute at it on this CPU, else an
  /// error naming the problem and the fix.
  static func check(_ given: Precision?, for model: ModelConfig) throws -> Precision {
    let p = given ?? .fp32
    if let e = model.precisionError(p) { throw CLIError(e) }
    return p
  }
}
