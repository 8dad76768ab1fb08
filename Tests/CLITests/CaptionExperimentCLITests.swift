import Foundation
import XCTest

/// A two-arm captions experiment through the real binary: every cell is evaluated with the caption probe at the
/// same steps on the same layouts, scored at the end on crop FID and caption accuracy, and `results.md` reports
/// both metrics for both arms.
final class CaptionExperimentCLITests: XCTestCase {
  let directory = NSTemporaryDirectory() + "dtr-caption-experiments-\(getpid())"

  override func setUp() {
    try? FileManager.default.removeItem(atPath: directory)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func json(_ path: String) throws -> [String: Any] {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: path), path)
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  func testCaptionsExperimentReportsCropFIDAndCaptionAccuracyPerArm() throws {
    _ = try BuiltBinary.path()
    let r = try BuiltBinary.run([
      "experiment", "run", "c", "--directory", directory, "--task", "captions", "--preset", "caption-tiny",
      "--batch", "8", "--lr", "1e-3", "--arms", "routing=none,dtr", "--seeds", "0", "--steps", "24", "--eval-at", "12,24",
      "--eval-samples", "20", "--eval-sampler", "ddim:3", "--final-samples", "20", "--final-sampler", "ddim:3",
      "--checkpoint-every-minutes", "0"])
    XCTAssertEqual(r.code, 0, r.stderr)
    let root = directory + "/c"

    // Every cell: a caption-probe evaluation at each step, with crop FID and caption and class accuracy.
    for cell in ["routing=none-s0", "routing=dtr-s0"] {
      let events = try String(contentsOfFile: root + "/" + cell + "/events.jsonl", encoding: .utf8).split(separator: "\n")
      let evals = try events.filter { $0.contains("\"type\":\"eval\"") }.map {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
      }
      XCTAssertEqual(evals.map { $0["step"] as? Int }, [12, 24], cell)
      for payload in evals {
        XCTAssertEqual(payload["name"] as? String, "crop FID-20", cell)
        XCTAssertGreaterThan(try XCTUnwrap(payload["fid2k"] as? Double), 0, cell)
        let accuracy = try XCTUnwrap(payload["caption_accuracy"] as? Double, cell)
        XCTAssertTrue((0...1).contains(accuracy), cell)
        XCTAssertNotNil(payload["class_accuracy"] as? Double, cell)
      }
      let final = try json(root + "/" + cell + "/final.json")
      let all = try XCTUnwrap((final["captions"] as? [String: Any])?["all"] as? [String: Any], cell)
      XCTAssertEqual(all["canvases"] as? Int, 20)
      XCTAssertNotNil(final["captions"].flatMap { ($0 as? [String: Any])?["held_out"] }, "the final layouts include held-out pairs")
    }

    // Both arms saw the same layouts: their final scores count the same garments, and the real-crop reference is the same.
    let finals = try ["routing=none-s0", "routing=dtr-s0"].map { cell -> [String: Any] in
      let captions = try XCTUnwrap(try json(root + "/" + cell + "/final.json")["captions"] as? [String: Any])
      return try XCTUnwrap(captions["all"] as? [String: Any])
    }
    XCTAssertEqual(finals[0]["garments"] as? Int, finals[1]["garments"] as? Int)
    XCTAssertEqual(finals[0]["reference_crops"] as? Int, finals[1]["reference_crops"] as? Int)
    XCTAssertEqual(finals[0]["small_garments"] as? Int, finals[1]["small_garments"] as? Int)

    // results.json: crop FID and caption accuracy per arm, with the DTR arm paired to the baseline.
    let results = try json(root + "/results.json")
    let arms = try XCTUnwrap(results["arms"] as? [[String: Any]])
    XCTAssertEqual(arms.map { $0["arm"] as? String }, ["routing=none", "routing=dtr"])
    for arm in arms {
      XCTAssertNotNil(arm["fid"], "\(arm)")
      XCTAssertNotNil(arm["captionAccuracy"], "\(arm)")
      XCTAssertNotNil(arm["classAccuracy"], "\(arm)")
    }
    XCTAssertNotNil(arms[1]["fidDifference"])
    XCTAssertNotNil(arms[1]["captionAccuracyDifference"])
    for cell in try XCTUnwrap(results["cells"] as? [[String: Any]]) {
      let evals = try XCTUnwrap(cell["evals"] as? [[String: Any]])
      XCTAssertEqual(evals.map { $0["step"] as? Int }, [12, 24])
      XCTAssertTrue(evals.allSatisfy { $0["captionAccuracy"] is Double })
    }

    // results.md: both metrics for both arms, the baseline marked and the DTR arm's paired differences.
    let md = try String(contentsOfFile: root + "/results.md", encoding: .utf8)
    XCTAssertTrue(md.contains("| crop FID-20 | Δ crop FID-20 vs baseline [95% CI] |"), md)
    XCTAssertTrue(md.contains("| caption accuracy | Δ caption accuracy vs baseline [95% CI] |"), md)
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| `routing=") }
    XCTAssertEqual(rows.count, 2, md)
    for row in rows {
      let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      XCTAssertEqual(cells[1], "1", md)                    // seeds finished
      XCTAssertNotNil(Double(cells[2]), md)                // crop FID
      XCTAssertNotNil(Double(cells[5]), md)                // caption accuracy
      XCTAssertNotNil(Double(cells[8]), md)                // class accuracy
    }
    XCTAssertTrue(rows[0].contains("(baseline)"), md)
    XCTAssertTrue(rows[1].contains("(one seed)"), md)
    let fidCSV = try String(contentsOfFile: root + "/fid.csv", encoding: .utf8)
    XCTAssertTrue(fidCSV.contains("# routing=dtr") && fidCSV.contains("\n24,"), fidCSV)
  }
}
