import Foundation
import XCTest

/// The release `dtr` binary that scripts/test builds before `swift test`, run as a child process.
enum BuiltBinary {
  /// The repository root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// `.build/release/dtr`; a failure in CI and a skip elsewhere when it has not been built.
  static func path() throws -> String {
    let binary = root + "/.build/release/dtr"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(binary) missing") }
      throw XCTSkip("needs \(binary) (scripts/test builds it)")
    }
    return binary
  }

  /// Runs `dtr args…` to completion.
  static func run(_ args: [String]) throws -> (code: Int32, stderr: String, stdout: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try path())
    p.arguments = args
    let err = Pipe(), out = Pipe()
    p.standardError = err
    p.standardOutput = out
    try p.run()
    let e = err.fileHandleForReading.readDataToEndOfFile(), o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: e, as: UTF8.self), String(decoding: o, as: UTF8.self))
  }

  /// Starts `dtr args…` in the background, its stdout and stderr going to the file `log`.
  static func start(_ args: [String], log: String) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try path())
    p.arguments = args
    guard FileManager.default.createFile(atPath: log, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    (p.standardOutput, p.standardError) = (out, out)
    try p.run()
    return p
  }
}
