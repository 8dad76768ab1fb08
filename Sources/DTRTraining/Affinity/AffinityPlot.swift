import DTRFormats
import Foundation

/// A task-affinity measurement as heatmaps: `NAME.csv` (both matrices) and `NAME.gp` beside `NAME.png`,
/// drawn by ``Gnuplot``. Cosine and lookahead use a diverging palette centred on 0 (conflict red,
/// affinity blue).
public enum AffinityPlot {
  /// Writes the data, the script and (gnuplot permitting) the PNG; returns a warning or nil.
  @discardableResult
  public static func write(_ r: TaskAffinity.Result, png: String) throws -> String? {
    let url = URL(fileURLWithPath: png)
    let directory = url.deletingLastPathComponent().path, base = url.deletingPathExtension().lastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var csv = "# matrix,i,j,t_i_from,t_i_to,t_j_from,t_j_to,value\n"
    for (name, m) in [("cosine", r.cosine), ("lookahead", r.lookahead)] {
      for i in 0..<r.buckets {
        for j in 0..<r.buckets {
          csv += "\(name),\(i),\(j),\(r.edges[i]),\(r.edges[i + 1]),\(r.edges[j]),\(r.edges[j + 1]),\(m[i][j])\n"
        }
        csv += "\n"
      }
      csv += "\n"
    }
    try AtomicFile.write(Data(csv.utf8), to: directory + "/" + base + ".csv")
    let lookMax = max(1e-12, r.lookahead.flatMap { $0 }.map(abs).max() ?? 1)
    let script = """
      # Drawn by dtr affinity; edit and rerun `gnuplot \(base).gp` to restyle.
      set terminal pngcairo size 1100,500 enhanced font ",11"
      set output '\(base).png'
      set datafile separator ','
      set palette defined (-1 '#b2182b', 0 '#f7f7f7', 1 '#2166ac')
      set xlabel 'bucket j (t from 0 to \(r.edges.last!))'
      set ylabel 'bucket i'
      set xrange [-0.5:\(Double(r.buckets) - 0.5)]
      set yrange [-0.5:\(Double(r.buckets) - 0.5)]
      set size ratio 1
      set multiplot layout 1,2
      set title 'gradient cosine cos(g_i, g_j)  (conflict rate \(String(format: "%.0f%%", 100 * r.conflictRate)))' noenhanced
      set cbrange [-1:1]
      plot '\(base).csv' index 0 using 3:2:8 with image notitle
      set title 'lookahead affinity 1 - L_j(θ - η g_i)/L_j(θ), η = \(r.eta)' noenhanced
      set cbrange [-\(lookMax):\(lookMax)]
      plot '\(base).csv' index 1 using 3:2:8 with image notitle
      unset multiplot

      """
    try AtomicFile.write(Data(script.utf8), to: directory + "/" + base + ".gp")
    return Gnuplot.run(scripts: [base + ".gp"], in: directory)
  }
}
