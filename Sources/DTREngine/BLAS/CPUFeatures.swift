import Foundation

/// What this CPU can run, read from `/proc/cpuinfo`, and the OpenBLAS kernel that suits it.
public struct CPUFeatures: Sendable {
  /// Lower-case feature flags (`avx2`, `avx512f`, …).
  public let flags: Set<String>
  /// The `model name` line, if present.
  public let modelName: String

  /// A CPU with these flags and model name (as `/proc/cpuinfo` spells them).
  public init(flags: Set<String>, modelName: String) {
    (self.flags, self.modelName) = (flags, modelName)
  }

  /// Reads the features of the first CPU listed in `/proc/cpuinfo`.
  public static func current() -> CPUFeatures {
    let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    var flags = Set<String>()
    var model = "unknown"
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2 else { continue }
      if parts[0] == "flags", flags.isEmpty { flags = Set(parts[1].split(separator: " ").map(String.init)) }
      if parts[0] == "model name", model == "unknown" { model = parts[1] }
    }
    return CPUFeatures(flags: flags, modelName: model)
  }

  /// Whether the CPU has AVX-512 F, BW, VL, DQ and CD (Skylake-X and later, Zen 4 and later): what
  /// OpenBLAS's SkylakeX kernel and oneDNN's `avx512_core` kernels (bf16 ones included, emulated without
  /// AVX512_BF16) need.
  public var hasAVX512Core: Bool { ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) }

  /// The fastest OpenBLAS 0.3.21 core type this CPU can execute, most capable first, or `nil` to leave
  /// the choice to OpenBLAS. 0.3.21 does not recognise recent AVX-512 CPUs and falls back to the SSE3
  /// `Prescott` kernel (about 4× slower here), so a capable CPU is named explicitly.
  public var preferredCoreTypes: [String] {
    var out: [String] = []
    if hasAVX512Core { out.append("SkylakeX") }
    if flags.contains("avx2") && flags.contains("fma") { out.append("Haswell") }
    out.append("Prescott")
    return out
  }
}
