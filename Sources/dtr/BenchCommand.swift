import ArgumentParser
import DTRDiffusion
import DTREngine
import DTRModels
import DTRTraining
import Foundation

/// `dtr bench`: throughput of ops, training steps and sampling.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure throughput: engine ops, training steps, sampling, FID against sampling steps, opening a long run, minutes to quality.",
    subcommands: [BenchOps.self, BenchTrain.self, BenchSample.self, BenchFIDSteps.self, BenchWatchLog.self,
                   BenchTimeToQuality.self])
}

/// Prints one result as a table row or a JSON line.
struct BenchOutput {
  let json: Bool

  func emit(_ fields: [String: Any], row: String) {
    if json {
      let d = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
      print(String(decoding: d, as: UTF8.self))
    } else {
      print(row)
    }
  }
}

/// Best-of-`repeats` seconds of `body` after one warm-up call.
func bestTime(repeats: Int, _ body: () -> Void) -> Double {
  body()
  var best = Double.infinity
  for _ in 0..<repeats {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
  }
  return best
}

/// Peak resident set size of this process in MiB (VmHWM).
func peakRSSMiB() -> Double {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
  }
  return 0
}
