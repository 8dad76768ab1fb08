import COpenBLAS
import Foundation

/// OpenBLAS, loaded at run time with the right CPU kernel.
///
/// Debian's OpenBLAS 0.3.21 picks its kernel once, in a library constructor, from `OPENBLAS_CORETYPE` or
/// its own CPU detection, which mistakes this machine's AVX-512 CPU for an SSE3 "Prescott". Linking the
/// library would run that constructor before `main`, so the engine instead sets `OPENBLAS_CORETYPE`
/// (unless the user already set it) and only then `dlopen`s `libopenblas.so.0`. The chosen kernel is then
/// checked against a plain loop on a few small products of every transpose combination; a kernel that
/// computes wrong results is reported (``verified``) so the CLI can restart itself with a safer one.
public final class BLASRuntime: @unchecked Sendable {
  /// Where the kernel choice came from.
  public enum CoreSource: String, Sendable {
    /// `OPENBLAS_CORETYPE` was set by the user and is respected.
    case user
    /// Chosen by DTR Workbench from the CPU's features.
    case automatic
    /// A previous choice computed wrong results and this safer one replaced it.
    case fallback
  }

  /// The process-wide instance, loaded on first use.
  public static let shared: BLASRuntime = {
    do { return try BLASRuntime() } catch {
      FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
      exit(2)
    }
  }()

  /// Environment variable that marks a process restarted by the kernel fallback.
  public static let fallbackMarker = "DTR_BLAS_FALLBACK"

  /// Path of the loaded library.
  public let libraryPath: String
  /// `openblas_get_corename()` after loading (e.g. `SkylakeX`).
  public let coreName: String
  /// `OPENBLAS_CORETYPE` as requested (empty when left to OpenBLAS).
  public let requestedCore: String
  /// Where ``requestedCore`` came from.
  public let coreSource: CoreSource
  /// The kernel this CPU would get automatically (for reporting when the user overrode it).
  public let automaticCore: String
  /// Whether `OPENBLAS_NUM_THREADS` came from the user.
  public let threadsFromUser: Bool
  /// Whether the verification products matched the plain loop.
  public private(set) var verified = false
  /// Largest relative error seen in verification.
  public private(set) var verificationError: Float = 0
  /// Whether ``parallelSgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` splits GEMMs over the
  /// engine's workers (OpenBLAS then runs on one thread): true unless `OPENBLAS_NUM_THREADS` was set.
  public let engineSplitsGEMMs: Bool

  let sgemmFn: dtr_sgemm_fn
  let dgemmFn: dtr_dgemm_fn
  let dsyevdFn: dtr_dsyevd_fn?
  private let setThreadsFn: dtr_set_threads_fn?
  private let getThreadsFn: dtr_get_threads_fn?

  struct LoadError: Error, CustomStringConvertible {
    let description: String
  }

  private init() throws {
    let env = ProcessInfo.processInfo.environment
    let cpu = CPUFeatures.current()
    automaticCore = cpu.preferredCoreTypes.first ?? "Prescott"
    if let user = env["OPENBLAS_CORETYPE"], !user.isEmpty {
      requestedCore = user
      coreSource = env[BLASRuntime.fallbackMarker] != nil ? .fallback : .user
    } else {
      requestedCore = automaticCore
      coreSource = .automatic
      setenv("OPENBLAS_CORETYPE", automaticCore, 1)
    }
    // By default OpenBLAS runs single-threaded and the engine splits each GEMM over its own workers
    // (``parallelSgemm``): one pool of threads then serves GEMMs and elementwise kernels, which measured
    // 1.22× faster on `tiny` and 1.14× on `small` than OpenBLAS's threads taking turns with the engine's.
    // A user's OPENBLAS_NUM_THREADS hands GEMM threading back to OpenBLAS.
    if let n = env["OPENBLAS_NUM_THREADS"], !n.isEmpty {
      threadsFromUser = true
    } else {
      threadsFromUser = false
      setenv("OPENBLAS_NUM_THREADS", "1", 1)
    }
    engineSplitsGEMMs = !threadsFromUser
    // OpenBLAS's idle workers (when the user asked for them) spin (sched_yield) for 2^28 cycles by default,
    // stealing a core from the engine's own threads between GEMMs; 2^10 lets them sleep almost at once
    // (measured ≈ 10% faster training steps here). A user's value is respected.
    if env["OPENBLAS_THREAD_TIMEOUT"] == nil { setenv("OPENBLAS_THREAD_TIMEOUT", "10", 1) }
    let candidates = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"]
    var handle: UnsafeMutableRawPointer?
    var path = ""
    for c in candidates {
      handle = dlopen(c, RTLD_NOW | RTLD_GLOBAL)
      if handle != nil { path = c; break }
    }
    // OpenBLAS read the variable while loading; child processes (numpy cross-checks) get their defaults.
    if !threadsFromUser { unsetenv("OPENBLAS_NUM_THREADS") }
    guard let h = handle else {
      throw LoadError(description: "OpenBLAS not found (libopenblas.so.0); fix: apt-get install libopenblas-dev")
    }
    libraryPath = path
    func sym<T>(_ name: String, _ type: T.Type) -> T? {
      guard let p = dlsym(h, name) else { return nil }
      return unsafeBitCast(p, to: type)
    }
    guard let sg = sym("cblas_sgemm", dtr_sgemm_fn.self), let dg = sym("cblas_dgemm", dtr_dgemm_fn.self) else {
      throw LoadError(description: "\(path) lacks cblas_sgemm; fix: apt-get install --reinstall libopenblas0-pthread")
    }
    sgemmFn = sg
    dgemmFn = dg
    dsyevdFn = sym("dsyevd_", dtr_dsyevd_fn.self)
    setThreadsFn = sym("openblas_set_num_threads", dtr_set_threads_fn.self)
    getThreadsFn = sym("openblas_get_num_threads", dtr_get_threads_fn.self)
    if let cn = sym("openblas_get_corename", dtr_corename_fn.self), let s = cn() {
      coreName = String(cString: s)
    } else {
      coreName = "unknown"
    }
    (verified, verificationError) = BLASVerification.run(sgemm: sg)
  }

  /// Threads OpenBLAS uses for one GEMM.
  public var threads: Int { Int(getThreadsFn?() ?? 1) }

  /// Sets the number of OpenBLAS threads.
  public func setThreads(_ n: Int) { setThreadsFn?(Int32(n)) }

  /// The next safer kernel after `core` for this CPU, if any.
  public func saferCore(than core: String) -> String? {
    let order = CPUFeatures.current().preferredCoreTypes
    if let i = order.firstIndex(of: core), i + 1 < order.count { return order[i + 1] }
    return core == "Prescott" ? nil : "Prescott"
  }
}

extension BLASRuntime {
  /// Runs `body` with OpenBLAS limited to one thread (for code that splits small GEMMs over the cores
  /// itself), then restores the previous count.
  public func singleThreaded(_ body: () -> Void) {
    let n = threads
    if n == 1 { body(); return }
    setThreads(1)
    body()
    setThreads(n)
  }
}
