import Foundation
import XCTest

/// Bad input to the real binary: one clear error line, a non-zero exit, nothing overwritten.
final class CLIErrorTests: XCTestCase {
  func run(_ args: [String]) throws -> (code: Int32, stderr: String, stdout: String) { try BuiltBinary.run(args) }

  func expectError(_ args: [String], mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try run(args)
    XCTAssertNotEqual(r.code, 0, "\(args) succeeded", file: file, line: line)
    let errorLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("error:") }
    XCTAssertEqual(errorLines.count, 1, "\(args): \(r.stderr)", file: file, line: line)
    XCTAssertTrue(r.stderr.contains(mentions), "\(args): \(r.stderr)", file: file, line: line)
  }

  func testBadFlagsGiveOneClearLineAndNonZeroExit() throws {
    let dir = NSTemporaryDirectory() + "dtr-cli-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try expectError(["train", "--alpha", "0", "--headless", "--run-dir", dir], mentions: "alpha must be a number > 0")
    try expectError(["train", "--beta", "1.5", "--headless", "--run-dir", dir], mentions: "beta must be in (0, 1]")
    try expectError(["train", "--beta", "0", "--headless", "--run-dir", dir], mentions: "beta must be in (0, 1]")
    try expectError(["train", "--preset", "huge", "--headless", "--run-dir", dir], mentions: "unknown preset 'huge'")
    try expectError(["train", "--data-dir", "/nonexistent", "--headless", "--run-dir", dir],
                    mentions: "apt-get install dataset-fashion-mnist")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/events.jsonl"), "a failed start must not create a run")
    try expectError(["sample", "--checkpoint", "/nonexistent.safetensors", "--out", "/tmp/x.png"], mentions: "not found")
    let bad = NSTemporaryDirectory() + "dtr-corrupt-\(getpid()).safetensors"
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: bad))
    let target = NSTemporaryDirectory() + "dtr-keep-\(getpid()).png"
    try Data("keep me".utf8).write(to: URL(fileURLWithPath: target))
    try expectError(["sample", "--checkpoint", bad, "--out", target], mentions: bad)
    XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep me", "a failed command must not overwrite")
    try expectError(["masks", "--channels", "64", "--beta", "2"], mentions: "beta must be in (0, 1]")
  }

  /// `--precision`: an unknown format, and bf16 for a DiT (whose GEMMs are fp32 sgemm), each one line
  /// before any run exists.
  func testPrecisionErrorsNameTheFix() throws {
    let dir = NSTemporaryDirectory() + "dtr-cli-precision-\(getpid())"
    try expectError(["train", "--precision", "fp16", "--headless", "--run-dir", dir],
                    mentions: "'fp16'")
    try expectError(["train", "--preset", "small", "--precision", "bf16", "--headless", "--run-dir", dir],
                    mentions: "this model is a DiT, which computes in fp32: use --precision fp32")
    try expectError(["bench", "train", "--preset", "tiny", "--precision", "bf16"], mentions: "this model is a DiT")
    try expectError(["eval", "--checkpoint", "/nonexistent.safetensors", "--precision", "fp8"], mentions: "'fp8'")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "a rejected precision creates no run")
  }

  /// Every sampler option names all spellings, DPM-Solver++ included, when it rejects one.
  func testUnknownSamplersListEverySpelling() throws {
    let dir = NSTemporaryDirectory() + "dtr-cli-sampler-\(getpid())"
    let spellings = "ddim:N, ddim:N:ETA, ddpm:N or dpmpp2m:N"
    try expectError(["train", "--sampler", "dpmpp2m:0", "--headless", "--run-dir", dir], mentions: spellings)
    try expectError(["train", "--eval-sampler", "euler:10", "--headless", "--run-dir", dir],
                    mentions: "unknown eval sampler 'euler:10'; use \(spellings)")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "a rejected sampler creates no run")
    try expectError(["sample", "--checkpoint", "/nonexistent.safetensors", "--sampler", "dpmpp2m:20:1", "--out", "/tmp/x.png"],
                    mentions: spellings)
    try expectError(["bench", "fid-vs-steps", "--checkpoint", "/nonexistent.safetensors", "--samplers", "ddim,heun"],
                    mentions: "'heun' is not one of ddpm, ddim, dpmpp2m")
  }

  func testExistingRunIsNotOverwritten() throws {
    let dir = NSTemporaryDirectory() + "dtr-cli-existing-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Data("{}\n".utf8).write(to: URL(fileURLWithPath: dir + "/events.jsonl"))
    try expectError(["train", "--preset", "tiny", "--headless", "--run-dir", dir], mentions: "already holds a run")
    XCTAssertEqual(try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8), "{}\n")
  }

  func testMasksJSONMatchesTheSpecVector() throws {
    let r = try run(["masks", "--channels", "10", "--alpha", "1", "--beta", "0.5", "--timesteps", "10", "--format", "json"])
    XCTAssertEqual(r.code, 0)
    let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(obj["start"] as? [Int], [0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
    XCTAssertEqual(obj["width"] as? Int, 5)
  }

  /// `--preset` lists every routed block's width and prints one table per width; JSON names each block.
  func testMasksForAUNetPresetListEveryWidth() throws {
    let text = try run(["masks", "--preset", "unet-small", "--timesteps", "20"])
    XCTAssertEqual(text.code, 0, text.stderr)
    for line in ["unet-small: 11 routed blocks", "C=32, 25 active: input_blocks.1.0, input_blocks.3.0",
                 "C=128, 102 active: output_blocks.0.0, output_blocks.1.0, output_blocks.2.0",
                 "output_blocks.3.0 routing=dtr C=96 T=20"] {
      XCTAssertTrue(text.stdout.contains(line), "missing '\(line)' in\n\(text.stdout)")
    }
    let r = try run(["masks", "--preset", "unet-small", "--routing", "random", "--format", "json", "--timesteps", "5"])
    XCTAssertEqual(r.code, 0, r.stderr)
    let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let blocks = obj["blocks"] as! [[String: Any]]
    XCTAssertEqual(blocks.map { $0["channels"] as! Int }, [32, 32, 64, 64, 64, 128, 128, 128, 96, 96, 64])
    XCTAssertEqual(blocks.last?["name"] as? String, "output_blocks.5.0")
    try expectError(["masks", "--preset", "unet-huge"], mentions: "unknown preset 'unet-huge'")
    let dir = NSTemporaryDirectory() + "dtr-cli-unet-shape-\(getpid())"
    try expectError(["train", "--preset", "unet-tiny", "--channel-mult", "1,x", "--headless", "--run-dir", dir],
                    mentions: "--channel-mult '1,x' is not a comma-separated list of integers")
    try expectError(["train", "--preset", "unet-tiny", "--base-channels", "15", "--headless", "--run-dir", dir],
                    mentions: "baseChannels 15 must be even")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "a rejected configuration creates no run")
    try expectError(["masks"], mentions: "exactly one of --channels C or --preset NAME")
  }
}
