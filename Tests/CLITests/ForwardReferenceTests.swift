import DTRTestSupport
import Foundation
import XCTest

/// `dtr predict` against an independent float64 NumPy forward pass (Reference/check_forward.py, written from
/// dtr-spec.md §3, §4 and §9, DiT's `models.py` and guided-diffusion's `unet.py`), on a checkpoint from a
/// one-step `dtr train` whose `model.` and `ema.` weights the script overwrites with random values (adaLN,
/// gates and heads included, so every path matters). It also checks the parameter names and shapes, DTR
/// tables against the spec formula, random tables' row counts and the stored pos_embed.
///
/// Error: per image, max|dtr − numpy| / max|numpy|, the worst image counting (check_forward.py's
/// `relative_error` says why), for the EMA and the raw weights.
final class ForwardReferenceTests: XCTestCase {
  /// Largest accepted error. Measured: about 1e-5 for the DiT, where FastMath.tanh's 1e-4 absolute error
  /// inside GELU dominates (float32 rounding alone gives under 1e-6), and about 1e-6 for the UNet.
  static let tolerance = 1e-4

  /// DiT `tiny` (64 hidden, 2 blocks, 2 heads, patch 4).
  static let dit = ["--preset", "tiny"]
  /// `unet-tiny` widened to 1-2-4 so the 7×7 and middle attention have 2 heads, with attention at 14×14 too.
  static let unet = ["--preset", "unet-tiny", "--channel-mult", "1,2,4", "--attention-14"]

  func testDiTWithDTRRoutingMatchesNumPy() throws { try check(Self.dit, routing: "dtr") }
  func testDiTWithRandomRoutingMatchesNumPy() throws { try check(Self.dit, routing: "random") }
  func testDiTWithoutRoutingMatchesNumPy() throws { try check(Self.dit, routing: "none") }
  func testUNetWithDTRRoutingMatchesNumPy() throws { try check(Self.unet, routing: "dtr") }
  func testUNetWithRandomRoutingMatchesNumPy() throws { try check(Self.unet, routing: "random") }
  func testUNetWithoutRoutingMatchesNumPy() throws { try check(Self.unet, routing: "none") }

  /// A python3 that imports numpy: the first on PATH, then /usr/bin/python3 (scripts/setup installs it).
  static let python: String? = {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
      .map { "\($0)/python3" } + ["/usr/bin/python3"]
    return candidates.first { path in
      FileManager.default.isExecutableFile(atPath: path)
        && (try? PythonScript.run(python: path, "import numpy").status) == 0
    }
  }()

  private func check(_ model: [String], routing: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let binary = try BuiltBinary.path()
    guard let python = Self.python else {
      return XCTFail("no python3 with numpy (scripts/setup installs python3-numpy)", file: file, line: line)
    }
    let dir = NSTemporaryDirectory() + "dtr-forward-reference-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    let train = try BuiltBinary.run(["train"] + model + [
      "--routing", routing, "--steps", "1", "--batch", "2", "--sample-every", "0", "--eval-every", "0",
      "--headless", "--run-dir", dir + "/run",
    ])
    guard train.code == 0 else { return XCTFail("dtr train failed: \(train.stderr)", file: file, line: line) }

    let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference").path
    let script = """
      import sys
      sys.dont_write_bytecode = True
      sys.path.insert(0, \(pythonString(reference)))
      import check_forward
      sys.exit(check_forward.main(sys.argv[1:]))
      """
    let result = try PythonScript.run(python: python, script,
                                      ["--dtr", binary, "--checkpoint", dir + "/run/last.safetensors", "--work", dir])
    guard result.status == 0 else {
      return XCTFail("check_forward.py failed: \(result.errors)", file: file, line: line)
    }
    let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.output) as? [String: [String: Any]],
                               "check_forward.py printed no report", file: file, line: line)
    let label = "\(model.joined(separator: " ")) --routing \(routing)"
    var measured: [String] = []
    for weights in ["ema", "model"] {
      let entry = try XCTUnwrap(report[weights], "no \(weights) entry in the report", file: file, line: line)
      let error = try XCTUnwrap(entry["error"] as? Double, file: file, line: line)
      XCTAssertLessThanOrEqual(
        error, Self.tolerance,
        "\(label), \(weights) weights: max|dtr − numpy| / max|numpy| = \(error) on image \(entry["image"] ?? "?") "
          + "(worst at [c,h,w] \(entry["at"] ?? "?"): dtr \(entry["got"] ?? "?"), numpy \(entry["expected"] ?? "?"))",
        file: file, line: line)
      measured.append("\(weights) \(String(format: "%.2e", error))")
      if routing != "none" {
        // The comparison only tests the routing if the routing changes the output.
        let effect = try XCTUnwrap(entry["routing_effect"] as? Double, file: file, line: line)
        XCTAssertGreaterThan(effect, 0.05, "\(label): routing changes the reference output by only \(effect)",
                             file: file, line: line)
      }
    }
    print("forward reference, \(label): error \(measured.joined(separator: ", "))")
  }

  private func pythonString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }
}
