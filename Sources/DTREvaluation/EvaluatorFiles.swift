import Foundation

/// The shipped evaluator: its tag, file names, pinned SHA-256 and where to find it.
///
/// The weights are looked up, in order, at `$DTR_EVALUATOR` (the file itself, or a directory holding it),
/// `./evaluator/`, and relative to the executable (`<exe dir>/../../evaluator` — the binary lives in
/// `.build/release` — and one level further up for the resolved `.build/<triple>/release`).
public enum EvaluatorFiles {
  /// The tag every metric computed with these weights carries.
  public static let tag = "fmnist-cnn-v1"
  /// The weights file name.
  public static let weightsFileName = "\(tag).safetensors"
  /// The cached test-set statistics file name (same directory as the weights).
  public static let statisticsFileName = "\(tag)-test-stats.safetensors"
  /// SHA-256 of the shipped weights file; loading any other bytes fails.
  public static let weightsSHA256 = "e4d64155e09ddc1dd1c52552ab11ad2455e7db8cc110dc0e070e13464e9657e0"
  /// The environment variable naming the weights file or its directory.
  public static let environmentVariable = "DTR_EVALUATOR"

  /// How to get a good weights file back.
  public static let fix = "restore it with `git checkout -- evaluator/` (or point \(environmentVariable) at the shipped "
    + "file); `dtr evaluator train` makes a new network, whose SHA-256 and metrics differ from \(tag)'s"

  /// The candidate paths of the weights file, in lookup order.
  public static func candidates(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executable: String = CommandLine.arguments.first ?? ""
  ) -> [String] {
    var paths: [String] = []
    if let configured = environment[environmentVariable], !configured.isEmpty {
      var isDirectory: ObjCBool = false
      let directory = FileManager.default.fileExists(atPath: configured, isDirectory: &isDirectory) && isDirectory.boolValue
      paths.append(directory ? "\(configured)/\(weightsFileName)" : configured)
    }
    paths.append("\(currentDirectory)/evaluator/\(weightsFileName)")
    let absolute = executable.hasPrefix("/") ? executable : "\(currentDirectory)/\(executable)"
    let exeDir = URL(fileURLWithPath: absolute).deletingLastPathComponent()
    for up in ["../..", "../../.."] {
      paths.append(exeDir.appendingPathComponent("\(up)/evaluator/\(weightsFileName)").standardized.path)
    }
    return paths
  }

  /// The first existing candidate, or an error listing where it looked.
  public static func locateWeights() throws -> String {
    let paths = candidates()
    guard let found = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
      throw EvaluatorError("evaluator weights \(weightsFileName) not found (looked at \(paths.joined(separator: ", "))); \(fix)")
    }
    return found
  }

  /// The statistics file beside the weights file at `weightsPath`.
  public static func statisticsPath(besideWeights weightsPath: String) -> String {
    URL(fileURLWithPath: weightsPath).deletingLastPathComponent().appendingPathComponent(statisticsFileName).path
  }

  /// Reads `path` and checks its SHA-256 against `expected` (lowercase hex); returns the bytes.
  static func verifiedBytes(_ path: String, expected: String) throws -> Data {
    guard let bytes = FileManager.default.contents(atPath: path) else {
      throw EvaluatorError("evaluator weights \(path) cannot be read; \(fix)")
    }
    let actual = SHA256.hex(bytes)
    guard actual == expected else {
      throw EvaluatorError("evaluator weights \(path) have SHA-256 \(actual), expected \(expected) for \(tag); \(fix)")
    }
    return bytes
  }
}
