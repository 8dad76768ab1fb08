import DTRTestSupport
import DTREngine
import DTRMetrics
import Foundation
import XCTest

/// Deterministic synthetic feature sets: correlated, ReLU-like rows max(0, scale·(z·M) + shift) with
/// z ~ N(0, I) and a random mixing matrix M/√D, both from ``SplitMix64``.
enum Fixtures {
  /// Standard normals rounded to float32: double-precision Box–Muller over ``SplitMix64``'s doubles, both
  /// outputs used. The fixtures keep their own generator so the committed golden values do not move when
  /// the engine's `fillNormal` changes.
  static func normals(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    var out: [Double] = []
    out.reserveCapacity(count + 1)
    while out.count < count {
      let r = (-2 * log(max(rng.nextDouble(), 1e-300))).squareRoot(), a = 2 * Double.pi * rng.nextDouble()
      out += [Double(Float(r * cos(a))), Double(Float(r * sin(a)))]
    }
    return Array(out.prefix(count))
  }

  /// `rows`×`columns` ReLU features; `mixSeed` fixes the mixing matrix so that sets drawn with different
  /// `seed`s come from one distribution.
  static func features(rows: Int, columns: Int, seed: UInt64, mixSeed: UInt64 = 99, scale: Double = 1,
                       shift: Double = 0.2) -> FeatureMatrix {
    let z = normals(rows * columns, seed: seed)
    let mix = normals(columns * columns, seed: mixSeed).map { $0 / Double(columns).squareRoot() }
    var x = [Double](repeating: 0, count: rows * columns)
    dgemm(transA: false, transB: false, m: rows, n: columns, k: columns, alpha: scale, a: z, lda: columns,
          b: mix, ldb: columns, c: &x, ldc: columns)
    return FeatureMatrix(rows: rows, columns: columns, values: x.map { max(0, $0 + shift) })
  }

  /// `x` plus `sigma`·N(0, I) noise.
  static func perturbed(_ x: FeatureMatrix, sigma: Double, seed: UInt64) -> FeatureMatrix {
    let noise = normals(x.values.count, seed: seed)
    return FeatureMatrix(rows: x.rows, columns: x.columns, values: zip(x.values, noise).map { $0 + sigma * $1 })
  }
}

/// Runs `fid_ref.py` (the float64 reference beside evaluation.md) on fixture arrays, when it is present.
///
/// The script is `Tests/DTRMetricsTests/Reference/fid_ref.py`, a copy of the workplace's reference (found from
/// this file's path). When the script or a python3 with numpy and scipy is missing, ``evaluate(_:arrays:file:line:)``
/// returns nil and the tests fall back to the golden values committed as literals.
enum ReferenceOracle {
  /// The first of `python3` on PATH and `/usr/bin/python3` that can import numpy and scipy (fid_ref.py
  /// needs both), or nil.
  static let python: String? = {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
      .map { "\($0)/python3" } + ["/usr/bin/python3"]
    return candidates.first { path in
      guard FileManager.default.isExecutableFile(atPath: path) else { return false }
      let probe = Process()
      probe.executableURL = URL(fileURLWithPath: path)
      probe.arguments = ["-c", "import numpy, scipy.linalg"]
      probe.standardError = FileHandle.nullDevice
      guard (try? probe.run()) != nil else { return false }
      probe.waitUntilExit()
      return probe.terminationStatus == 0
    }
  }()

  /// `Reference/` beside this file: the workplace's `shared/reference/fid_ref.py`, kept in the repository so
  /// a fresh clone (CI) has it.
  static let referenceDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Reference")


  /// Writes each array as raw little-endian float64, runs `code` with `R` = the fid_ref module and
  /// `A[name]` = the arrays as float64 numpy matrices, and returns the JSON object the code leaves in `out`.
  /// A failing script is a test failure.
  static func evaluate(_ code: String, arrays: [String: FeatureMatrix], file: StaticString = #filePath,
                       line: UInt = #line) throws -> [String: Any]? {
    guard FileManager.default.fileExists(atPath: referenceDirectory.appendingPathComponent("fid_ref.py").path),
          let python else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dtr-metrics-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var shapes = [String]()
    for (name, m) in arrays {
      let data = m.values.withUnsafeBufferPointer { Data(buffer: $0) }
      try data.write(to: dir.appendingPathComponent("\(name).f64"))
      shapes.append("'\(name)': \(m.columns)")
    }
    let script = """
      import sys, json, os
      import numpy as np
      sys.path.insert(0, \(pythonString(referenceDirectory.path)))
      import fid_ref as R
      d = \(pythonString(dir.path))
      A = {k: np.fromfile(os.path.join(d, k + '.f64'), dtype='<f8').reshape(-1, c) for k, c in {\(shapes.joined(separator: ", "))}.items()}
      out = {}
      \(code)
      print(json.dumps(out))
      """
    let result = try PythonScript.run(python: python, script)
    guard result.status == 0,
          let object = try? JSONSerialization.jsonObject(with: result.output) as? [String: Any] else {
      XCTFail("fid_ref.py failed: \(result.errors)", file: file, line: line)
      return nil
    }
    return object
  }

  private static func pythonString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }
}

/// Asserts |actual − expected| ≤ tolerance·max(|expected|, floor).
func assertRelative(_ actual: Double, _ expected: Double, _ tolerance: Double, floor: Double = 1e-300,
                    _ what: String, file: StaticString = #filePath, line: UInt = #line) {
  let error = abs(actual - expected) / max(abs(expected), floor)
  XCTAssertLessThanOrEqual(error, tolerance,
                           "\(what): got \(String(format: "%.17g", actual)), expected \(String(format: "%.17g", expected))",
                           file: file, line: line)
}

/// Checks `actual` against the committed golden `literal` and, when `fid_ref.py` ran, against its `live`
/// value (which must also still equal the literal, so stale literals are caught).
func assertGolden(_ actual: Double, literal: Double, live: Any?, tolerance: Double, floor: Double = 1e-300,
                  _ what: String, file: StaticString = #filePath, line: UInt = #line) {
  assertRelative(actual, literal, tolerance, floor: floor, "\(what) vs committed golden", file: file, line: line)
  if let live = live as? Double {
    assertRelative(actual, live, tolerance, floor: floor, "\(what) vs fid_ref.py", file: file, line: line)
    // The literal was made by fid_ref.py; ill-conditioned cases reproduce only to the test's tolerance
    // across numpy's BLAS thread counts.
    assertRelative(literal, live, tolerance, floor: floor, "\(what): committed golden vs fid_ref.py", file: file, line: line)
  }
}
