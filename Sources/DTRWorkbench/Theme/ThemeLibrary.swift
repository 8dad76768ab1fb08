import Foundation

/// Finds theme files: by path, or by name in the first themes folder found among `$DTR_THEMES_DIR`,
/// `./themes`, and `themes/` beside the executable or up to four folders above it (the repository,
/// for a binary in `.build/<triple>/debug`).
public struct ThemeLibrary: Sendable {
  /// The folder theme names resolve in, if one was found.
  public let directory: String?

  /// A library over `directory`; by default the first themes folder found on the search path.
  public init(directory: String? = ThemeLibrary.searchDirectory()) {
    self.directory = directory
  }

  /// The first existing themes folder on the search path.
  public static func searchDirectory() -> String? {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["DTR_THEMES_DIR"], !env.isEmpty { candidates.append(env) }
    candidates.append(FileManager.default.currentDirectoryPath + "/themes")
    var dir = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<5 {
      candidates.append(dir.appendingPathComponent("themes").path)
      dir.deleteLastPathComponent()
    }
    var isDir: ObjCBool = false
    return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }
  }

  /// Names (file stems) of the themes in the folder, sorted, "default" first; just "default" without a folder.
  public var names: [String] {
    let files = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
    let stems = Set(files.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }).union(["default"])
    return ["default"] + stems.subtracting(["default"]).sorted()
  }

  /// Loads a theme by name or path. Never fails: a missing or malformed theme gives the built-in theme
  /// and a message saying why.
  public func load(_ nameOrPath: String) -> (theme: Theme, problem: String?) {
    let path: String
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
      path = nameOrPath
    } else if let dir = directory {
      path = dir + "/" + nameOrPath + ".theme"
    } else if nameOrPath == "default" {
      return (.builtIn, nil)
    } else {
      return (.builtIn, "no themes folder found for theme \"\(nameOrPath)\" (set DTR_THEMES_DIR); using default")
    }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      if nameOrPath == "default" { return (.builtIn, nil) }
      return (.builtIn, "cannot read theme \(path); using default")
    }
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    do {
      return (try ThemeParser.parse(text, name: stem, file: path), nil)
    } catch {
      return (.builtIn, "\(error); using default theme")
    }
  }
}
