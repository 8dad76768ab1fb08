/// The number format of the convolutions' operands.
///
/// `bf16` is mixed precision as PyTorch's CPU autocast does it: activations, weights and output
/// gradients enter each convolution as bfloat16 (rounded by the reorder into oneDNN's layout), products
/// accumulate in fp32, and outputs, input gradients, weight gradients and the master weights the
/// optimiser updates stay fp32. It needs AVX512_BF16 (`vdpbf16ps`): oneDNN's bf16 kernels without it are
/// emulated and slower than fp32.
public enum Precision: String, Sendable, Codable, CaseIterable {
  /// fp32 everywhere (the default).
  case fp32
  /// bf16 convolution operands, fp32 accumulation and master weights.
  case bf16

  /// Why `cpu` cannot run this precision at speed, or nil.
  public func unsupportedReason(on cpu: CPUFeatures = .current()) -> String? {
    guard self == .bf16, !(cpu.flags.contains("avx512_bf16") && cpu.flags.contains("avx512bw")) else { return nil }
    return "bf16 needs a CPU with AVX512_BF16 (Intel Cooper Lake or Sapphire Rapids and later, AMD Zen 4 and later); "
      + "\(cpu.modelName) has none"
  }
}
