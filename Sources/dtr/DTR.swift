import ArgumentParser
import DTREngine
import Foundation

/// The `dtr` command: DTR Workbench's single entry point.
@main
struct DTR: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dtr",
    abstract: "Train diffusion models with Denoising Task Routing on the CPU, and watch them learn.",
    subcommands: [
      Train.self, Experiment.self, Attach.self, Affinity.self, Watch.self, Sample.self, Predict.self, Eval.self, MetricsCommand.self, EvaluatorCommand.self,
      Masks.self, Bench.self, Doctor.self,
    ],
    defaultSubcommand: Train.self)

  static func main() {
    signal(SIGPIPE, SIG_IGN)  // a closed pipe on stdout/stderr becomes a failed write, not the end of a run
    KernelGuard.ensureVerifiedKernel()
    main(nil)
  }
}

/// Restarts the process with a safer OpenBLAS kernel when the chosen one fails verification.
enum KernelGuard {
  static func ensureVerifiedKernel() {
    let blas = BLASRuntime.shared
    guard !blas.verified else { return }
    let env = ProcessInfo.processInfo.environment
    guard env[BLASRuntime.fallbackMarker] == nil, let safer = blas.saferCore(than: blas.requestedCore) else {
      writeStderr("warning: OpenBLAS kernel \(blas.coreName) failed verification (rel. error \(blas.verificationError)); results may be wrong. Fix: set OPENBLAS_CORETYPE=Prescott\n")
      return
    }
    writeStderr("warning: OpenBLAS kernel \(blas.coreName) computed wrong results; restarting with \(safer)\n")
    setenv("OPENBLAS_CORETYPE", safer, 1)
    setenv(BLASRuntime.fallbackMarker, "1", 1)
    let args = CommandLine.arguments
    let cargs = args.map { strdup($0) } + [nil]
    execv("/proc/self/exe", cargs)
    writeStderr("warning: could not restart (\(String(cString: strerror(errno))))\n")
  }
}
