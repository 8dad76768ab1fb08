import Foundation
import XCTest

/// A whole tiny experiment through the real binary: plan, cells, results, plots, resume after a kill,
/// a refused change of plan, and one cell at a time.
final class ExperimentCLITests: XCTestCase {
  let directory = NSTemporaryDirectory() + "dtr-experiments-\(getpid())"

  override func setUp() {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func flags(_ name: String, steps: Int = 30) -> [String] {
    [name, "--directory", directory, "--preset", "tiny", "--batch", "64", "--arms", "routing=none,dtr", "--seeds", "0,1",
     "--steps", "\(steps)", "--eval-at", "\(steps / 2),\(steps)", "--eval-samples", "200", "--final-samples", "200",
     "--checkpoint-every-minutes", "0.002"]
  }

  func json(_ path: String) throws -> [String: Any] {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: path), path)
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  func testTinyExperimentRunsResumesAfterAKillAndRefusesAChangedPlan() throws {
    let binary = try BuiltBinary.path()
    let root = directory + "/t"
    // Start, and kill -9 once the second cell has trained a few steps.
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["experiment", "run"] + flags("t")
    p.standardError = FileHandle.nullDevice
    try p.run()
    let second = root + "/routing=dtr-s0/events.jsonl"
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline {
      let lines = (try? String(contentsOfFile: second, encoding: .utf8))?.split(separator: "\n") ?? []
      if lines.filter({ $0.contains("\"type\":\"step\"") }).count >= 12 { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    let firstFinal = root + "/routing=none-s0/final.json"
    let before = try XCTUnwrap(FileManager.default.contents(atPath: firstFinal), "the first cell finished before the kill")
    XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/routing=dtr-s0/final.json"))

    // A different plan for the same name is refused, naming the difference, and changes nothing.
    let refused = try BuiltBinary.run(["experiment", "run"] + flags("t", steps: 40))
    XCTAssertNotEqual(refused.code, 0)
    XCTAssertTrue(refused.stderr.contains("steps 40 (saved: 30)"), refused.stderr)

    // Resume finishes the rest without redoing the finished cell.
    let resumed = try BuiltBinary.run(["experiment", "resume", "t", "--directory", directory])
    XCTAssertEqual(resumed.code, 0, resumed.stderr)
    XCTAssertEqual(FileManager.default.contents(atPath: firstFinal), before, "a finished cell is not redone")
    let events = try String(contentsOfFile: second, encoding: .utf8)
    XCTAssertTrue(events.contains("\"resumed\":true"), "the killed cell resumed from its checkpoint")

    // Results: every cell, the table, the plots with their data and scripts.
    let results = try json(root + "/results.json")
    XCTAssertEqual(results["cellsDone"] as? Int, 4)
    let arms = try XCTUnwrap(results["arms"] as? [[String: Any]])
    XCTAssertEqual(arms.map { $0["arm"] as? String }, ["routing=none", "routing=dtr"])
    XCTAssertNotNil(arms[1]["fidDifference"])
    let md = try String(contentsOfFile: root + "/results.md", encoding: .utf8)
    XCTAssertTrue(md.contains("| `routing=dtr` | 2 |"), md)
    XCTAssertTrue(md.contains("95%"), md)
    for file in ["fid.png", "loss.png", "fid.csv", "loss.csv", "fid.gp", "loss.gp"] {
      let size = (try? FileManager.default.attributesOfItem(atPath: root + "/" + file)[.size] as? Int) ?? 0
      XCTAssertGreaterThan(size, 100, file)
    }
    // Every cell evaluated at the same steps.
    for cell in try XCTUnwrap(results["cells"] as? [[String: Any]]) {
      XCTAssertEqual((cell["evals"] as? [[String: Any]])?.map { $0["step"] as? Int }, [15, 30], "\(cell["directory"] ?? "")")
    }

    // Cells differ only in the swept field (and the seed with what it seeds).
    func config(_ cell: String) throws -> [String: String] {
      var flat: [String: String] = [:]
      func walk(_ prefix: String, _ v: Any) {
        if let o = v as? [String: Any] { for (k, x) in o { walk(prefix.isEmpty ? k : prefix + "." + k, x) } } else { flat[prefix] = "\(v)" }
      }
      walk("", try json(root + "/" + cell + "/config.json"))
      return flat
    }
    func differing(_ a: String, _ b: String) throws -> Set<String> {
      let x = try config(a), y = try config(b)
      return Set(x.keys.filter { x[$0] != y[$0] })
    }
    XCTAssertEqual(try differing("routing=none-s0", "routing=dtr-s0"), ["model.routing"])
    XCTAssertEqual(try differing("routing=dtr-s0", "routing=dtr-s1"), ["seed", "model.routingSeed"])
  }

  func testRunCellRunsExactlyOneCell() throws {
    _ = try BuiltBinary.path()
    let plan = try BuiltBinary.run(["experiment", "plan"] + flags("one", steps: 10))
    XCTAssertEqual(plan.code, 0, plan.stderr)
    XCTAssertEqual(plan.stdout.split(separator: "\n").count, 4, plan.stdout)
    let slurm = try BuiltBinary.run(["experiment", "plan"] + flags("one", steps: 10) + ["--slurm"])
    XCTAssertTrue(slurm.stdout.contains("#SBATCH --array=0-3"), slurm.stdout)
    XCTAssertTrue(slurm.stdout.contains("experiment run-cell one --cell \"$SLURM_ARRAY_TASK_ID\""), slurm.stdout)
    let r = try BuiltBinary.run(["experiment", "run-cell", "one", "--cell", "2", "--directory", directory])
    XCTAssertEqual(r.code, 0, r.stderr)
    let cells = try FileManager.default.contentsOfDirectory(atPath: directory + "/one").filter { $0.contains("-s") }
    XCTAssertEqual(cells, ["routing=none-s1"])
    XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/one/routing=none-s1/final.json"))
    let bad = try BuiltBinary.run(["experiment", "run-cell", "one", "--cell", "9", "--directory", directory])
    XCTAssertNotEqual(bad.code, 0)
    XCTAssertTrue(bad.stderr.contains("--cell 9 is outside 0…3"), bad.stderr)
  }
}
