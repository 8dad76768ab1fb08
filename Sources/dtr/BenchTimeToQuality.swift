import ArgumentParser
import DTRFormats
import DTRMetrics
import DTRTraining
import Foundation

/// `dtr bench time-to-quality`: a finished (or running) run's FID against the minutes it trained, as a
/// table, the first minute each FID target was reached, and a plot.
struct BenchTimeToQuality: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "time-to-quality",
    abstract: "A run's FID against minutes of training: table, targets reached, plot.",
    discussion: """
      Reads the run's events.jsonl: every evaluation (the FID-2k probes) is placed at the wall minutes the \
      trainer ran (evaluations included; the gaps between a stop and --resume are not counted) and at its \
      training minutes (without evaluations and pauses). --final adds the JSON of \
      `dtr eval --json --checkpoint RUN/last.safetensors` at the run's end, --checkpoint-eval STEP=FILE that of \
      RUN/ckpt-STEP.safetensors at the minutes that checkpoint cost. --plot-dir writes \
      time-to-quality.csv, .gp and .png there.
      """)

  @Option(help: "The run directory.") var runDir: String
  @Option(help: "`dtr eval --json` output for the run's final checkpoint (e.g. its FID-10k).") var final: String?
  @Option(name: .customLong("checkpoint-eval"), parsing: .singleValue,
          help: "STEP=FILE: `dtr eval --json` output for the checkpoint the run wrote at STEP (repeatable).")
  var checkpointEvals: [String] = []
  @Option(help: "FID targets to report the first minute of (comma-separated).") var targets = "20,10"
  @Option(help: "Write time-to-quality.csv/.gp/.png into this folder.") var plotDir: String?
  @Flag(help: "One JSON object.") var json = false

  func run() throws {
    let folder = RunFolder(runDir)
    guard folder.holdsRun else { throw CLIError("\(runDir)/events.jsonl not found; pass a run directory (dtr train --run-dir)") }
    let goals = targets.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !goals.isEmpty else { throw CLIError("--targets '\(targets)' holds no number; pass e.g. --targets 20,10") }
    var timeline = QualityTimeline(events: EventFollower.readAll(path: folder.events))
    var evaluations: [(step: Int?, file: String)] = final.map { [(nil, $0)] } ?? []
    for spec in checkpointEvals {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let step = Int(parts[0]) else {
        throw CLIError("--checkpoint-eval '\(spec)' is not STEP=FILE; pass e.g. --checkpoint-eval 1872=fid10k-1872.json")
      }
      evaluations.append((step, parts[1]))
    }
    for (step, file) in evaluations {
      guard let data = FileManager.default.contents(atPath: file),
            let report = try? JSONDecoder().decode(MetricReport.self, from: data) else {
        throw CLIError("\(file) is not the output of dtr eval --json; rerun it with --json > FILE")
      }
      guard timeline.appendEvaluation(ofCheckpointAt: step, name: MetricSuite.fidName(samples: report.sampleCount),
                                      fid: report.fid, kid: report.kid) else {
        throw CLIError("\(runDir) logged no checkpoint at step \(step ?? 0); use a step of its checkpoint events")
      }
    }
    guard !timeline.points.isEmpty else { throw CLIError("\(runDir) has no FID evaluation yet; train with --eval-every N or pass --final") }
    let names = timeline.points.reduce(into: [String]()) { if !$0.contains($1.name) { $0.append($1.name) } }
    let reached = names.flatMap { name in goals.map { goal in (name, goal, timeline.firstReaching(goal, name: name)) } }
    if let plotDir { try plot(timeline, names: names, goals: goals, in: plotDir) }
    if json { return try printJSON(timeline, reached) }
    print("| wall min | training min | step | epoch | metric | FID | KID |")
    print("|---|---|---|---|---|---|---|")
    for p in timeline.points {
      print(String(format: "| %.1f | %.1f | %d | %@ | %@ | %.2f | %@ |", p.mark.wallMinutes, p.mark.trainingMinutes, p.mark.step,
                   p.epoch.map(String.init) ?? "—", p.name, p.fid, p.kid.map { String(format: "%.4f", $0) } ?? "—"))
    }
    if let end = timeline.end {
      print(String(format: "run: %d steps in %.1f wall minutes (%.1f training)", end.step, end.wallMinutes, end.trainingMinutes))
    }
    for (name, goal, point) in reached {
      let target = "\(name) ≤ \(goal.formatted())"
      if let p = point {
        print(String(format: "%@: first measured at %.1f wall minutes (%.1f training), step %d", target, p.mark.wallMinutes,
                     p.mark.trainingMinutes, p.mark.step))
      } else {
        print("\(target): no evaluation at or below it")
      }
    }
  }

  private func printJSON(_ timeline: QualityTimeline, _ reached: [(String, Double, QualityTimeline.Point?)]) throws {
    func mark(_ m: QualityTimeline.Mark) -> [String: Any] {
      ["step": m.step, "wall_minutes": m.wallMinutes, "training_minutes": m.trainingMinutes]
    }
    var obj: [String: Any] = [
      "points": timeline.points.map { p -> [String: Any] in
        var o = mark(p.mark)
        (o["metric"], o["fid"]) = (p.name, p.fid)
        if let e = p.epoch { o["epoch"] = e }
        if let k = p.kid { o["kid"] = k }
        return o
      },
      "targets": reached.map { name, goal, point -> [String: Any] in
        var o: [String: Any] = ["metric": name, "fid": goal]
        if let point { o["reached"] = mark(point.mark) }
        return o
      },
    ]
    if let end = timeline.end { obj["end"] = mark(end) }
    let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    print(String(decoding: d, as: UTF8.self))
  }

  /// One curve per metric against training minutes, the targets as dashed lines, log-scaled FID.
  private func plot(_ timeline: QualityTimeline, names: [String], goals: [Double], in dir: String) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let csv = names.map { name in
      (["# \(name)", "training_minutes,fid,wall_minutes,step"] + timeline.points.filter { $0.name == name }.map {
        "\($0.mark.trainingMinutes),\($0.fid),\($0.mark.wallMinutes),\($0.mark.step)"
      }).joined(separator: "\n")
    }.joined(separator: "\n\n\n") + "\n"
    try AtomicFile.write(Data(csv.utf8), to: dir + "/time-to-quality.csv")
    let curves = names.enumerated().map { i, name in
      "'time-to-quality.csv' index \(i) every ::1 using 1:2 with linespoints lc \(i + 1) lw 2 pt 7 title '\(name)'"
    }
    let lines = goals.map { "\($0) with lines dt 2 lc rgb 'grey40' title 'FID \($0.formatted())'" }
    let script = """
      # Drawn by dtr bench time-to-quality; edit and rerun `gnuplot time-to-quality.gp` to restyle.
      set terminal pngcairo size 900,540 enhanced font ",11"
      set output 'time-to-quality.png'
      set datafile separator ','
      set key outside right top noenhanced
      set grid
      set logscale y
      set xrange [0:*]
      set xlabel 'minutes of training (2 cores; evaluations not counted)'
      set ylabel 'FID (lower is better)'
      plot \((curves + lines).joined(separator: ", \\\n     "))

      """
    try AtomicFile.write(Data(script.utf8), to: dir + "/time-to-quality.gp")
    if let warning = Gnuplot.run(scripts: ["time-to-quality.gp"], in: dir) { writeStderr("warning: \(warning)\n") }
  }
}
