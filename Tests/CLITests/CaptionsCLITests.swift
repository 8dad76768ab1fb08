import Foundation
import XCTest

/// Text-to-image end to end through the real binary: a tiny captioned run whose loss falls, a prompt
/// grid from its checkpoint, bad prompts refused, and `dtr eval --task captions` on 200 samples.
final class CaptionsCLITests: XCTestCase {
  let directory = NSTemporaryDirectory() + "dtr-captions-\(getpid())"

  override func setUp() {
    try? FileManager.default.removeItem(atPath: directory)
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

  /// Width and height from a PNG's IHDR chunk.
  func pngSize(_ path: String) throws -> (Int, Int) {
    let bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: path), path))
    XCTAssertEqual(Array(bytes[1..<4]), Array("PNG".utf8))
    func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
  }

  func testTinyCaptionedRunLearnsSamplesAPromptAndEvaluates() throws {
    let run = directory + "/run"
    let train = try BuiltBinary.run(["train", "--task", "captions", "--preset", "caption-tiny", "--steps", "40", "--batch", "16",
                                     "--lr", "1e-3", "--sample-every", "0", "--seed", "3", "--run-dir", run, "--headless"])
    XCTAssertEqual(train.code, 0, train.stderr)
    let events = try String(contentsOfFile: run + "/events.jsonl", encoding: .utf8).split(separator: "\n")
    let losses = try events.compactMap { line -> Double? in
      let e = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      return e["type"] as? String == "step" ? e["loss"] as? Double : nil
    }
    XCTAssertEqual(losses.count, 40)
    let first = losses.prefix(8).reduce(0, +) / 8, last = losses.suffix(8).reduce(0, +) / 8
    XCTAssertLessThan(last, 0.6 * first, "loss \(first) → \(last)")
    let checkpoint = run + "/last.safetensors"

    // One prompt, 3 images: a row of three 28×56 canvases under a line of text.
    let grid = directory + "/bag.png"
    let sample = try BuiltBinary.run(["sample", "--checkpoint", checkpoint, "--prompt", "a large light bag on the right",
                                      "--n", "3", "--sampler", "ddim:4", "--out", grid])
    XCTAssertEqual(sample.code, 0, sample.stderr)
    let (w, h) = try pngSize(grid)
    XCTAssertGreaterThanOrEqual(w, 3 * 56)
    XCTAssertGreaterThan(h, 28 + 7)  // the image row and at least one 7-pixel text line

    // Two prompts from a file: a taller grid; an unknown word is refused and writes nothing.
    let file = directory + "/prompts.txt", two = directory + "/two.png", bad = directory + "/bad.png"
    try "# prompts\na large light bag on the right\n\na small dark sneaker on the top left and a large light boot on the right\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(try BuiltBinary.run(["sample", "--checkpoint", checkpoint, "--prompts", file, "--n", "3",
                                        "--sampler", "ddim:4", "--out", two]).code, 0)
    XCTAssertGreaterThan(try pngSize(two).1, 2 * h - 8)
    let refused = try BuiltBinary.run(["sample", "--checkpoint", checkpoint, "--prompt", "a large shiny bag on the right",
                                       "--out", bad])
    XCTAssertNotEqual(refused.code, 0)
    XCTAssertTrue(refused.stderr.contains("unknown word 'shiny'"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: bad))

    // 200 captions, half seen and half held-out: FID and caption accuracy for each group.
    let eval = try BuiltBinary.run(["eval", "--task", "captions", "--checkpoint", checkpoint, "--samples", "200",
                                    "--sampler", "ddim:3", "--json"])
    XCTAssertEqual(eval.code, 0, eval.stderr)
    let scores = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any], eval.stdout)
    for group in ["seen", "held_out", "all"] {
      let g = try XCTUnwrap(scores[group] as? [String: Any], group)
      XCTAssertEqual(g["canvases"] as? Int, group == "all" ? 200 : 100, group)
      let fid = try XCTUnwrap(g["fid"] as? Double, group)
      XCTAssertTrue(fid.isFinite && fid > 0, "\(group) fid \(fid)")
      let accuracy = try XCTUnwrap(g["caption_accuracy"] as? Double, group)
      XCTAssertTrue((0...1).contains(accuracy), "\(group) caption accuracy \(accuracy)")
    }
    // A captions checkpoint is refused by the Fashion-MNIST evaluation, with the fix.
    let wrong = try BuiltBinary.run(["eval", "--checkpoint", checkpoint, "--samples", "10"])
    XCTAssertNotEqual(wrong.code, 0)
    XCTAssertTrue(wrong.stderr.contains("--task captions"), wrong.stderr)
  }

  /// The tensors of a safetensors file by name (raw bytes), metadata left out.
  func tensors(_ path: String) throws -> [String: Data] {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: path), path)
    let n = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as? [String: Any])
    var out: [String: Data] = [:]
    for (name, entry) in header where name != "__metadata__" {
      let offsets = try XCTUnwrap((entry as? [String: Any])?["data_offsets"] as? [Int], name)
      out[name] = data.subdata(in: (8 + n + offsets[0])..<(8 + n + offsets[1]))
    }
    return out
  }

  func testAResumedCaptionRunEndsBitIdenticalToAnUninterruptedOne() throws {
    let flags = ["--task", "captions", "--preset", "caption-tiny", "--batch", "8", "--lr", "1e-3", "--sample-every", "0",
                 "--seed", "5", "--headless"]
    let whole = directory + "/whole", split = directory + "/split"
    XCTAssertEqual(try BuiltBinary.run(["train"] + flags + ["--steps", "16", "--run-dir", whole]).code, 0)
    XCTAssertEqual(try BuiltBinary.run(["train"] + flags + ["--steps", "8", "--run-dir", split]).code, 0)
    let resumed = try BuiltBinary.run(["train", "--steps", "16", "--run-dir", split, "--resume", "--headless"])
    XCTAssertEqual(resumed.code, 0, resumed.stderr)
    let a = try tensors(whole + "/last.safetensors"), b = try tensors(split + "/last.safetensors")
    XCTAssertTrue(a.keys.contains("model.text_encoder.token_embedding.weight"), "\(a.keys.sorted().prefix(5))")
    XCTAssertEqual(a.count, b.count)
    for (name, bytes) in a { XCTAssertEqual(bytes, b[name], name) }
  }
}
