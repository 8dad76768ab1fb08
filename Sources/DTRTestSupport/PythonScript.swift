import Foundation

/// Runs a Python script for cross-checks against independent implementations (numpy, fid_ref.py).
public enum PythonScript {
  /// What a script run returned.
  public struct Result: Sendable {
    /// Exit status.
    public let status: Int32
    /// Standard output.
    public let output: Data
    /// Standard error, as text.
    public let errors: String
  }

  /// Runs `python -c script arguments…` and waits for it.
  public static func run(python: String, _ script: String, _ arguments: [String] = []) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script] + arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, output: out, errors: String(decoding: err, as: UTF8.self))
  }
}

/// Runs a Python 3 script with `/usr/bin/python3` and returns its trimmed standard output; nil if Python
/// (or a module the script needs, reported by exit status 77) is not available. Any other failure throws.
public func runPython(_ script: String, _ arguments: [String] = []) throws -> String? {
  let python = "/usr/bin/python3"
  guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
  let result = try PythonScript.run(python: python, script, arguments)
  if result.status == 77 { return nil }
  guard result.status == 0 else {
    throw NSError(domain: "python", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.errors])
  }
  return String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
