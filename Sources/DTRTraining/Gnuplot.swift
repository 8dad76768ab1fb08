import Foundation

/// Draws plots with Debian's gnuplot (`gnuplot-nox`): the project writes data (`.csv`) and a script
/// (`.gp`) beside every PNG, so users can restyle it, and never draws fonts or lines itself.
public enum Gnuplot {
  /// Runs each script with `directory` as the working directory; a one-line warning when gnuplot is
  /// missing or a script fails, nil when every plot was drawn.
  public static func run(scripts: [String], in directory: String) -> String? {
    guard let gnuplot = ["/usr/bin/gnuplot", "/usr/local/bin/gnuplot"].first(where: FileManager.default.isExecutableFile) else {
      return "gnuplot not found: plots not drawn (install gnuplot-nox; the .csv and .gp files are written)"
    }
    for script in scripts {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: gnuplot)
      p.arguments = [script]
      p.currentDirectoryURL = URL(fileURLWithPath: directory)
      p.standardError = FileHandle.nullDevice
      do {
        try p.run()
        p.waitUntilExit()
      } catch {
        return "gnuplot failed on \(script): \(error)"
      }
      if p.terminationStatus != 0 { return "gnuplot failed on \(directory)/\(script) (exit \(p.terminationStatus))" }
    }
    return nil
  }
}
