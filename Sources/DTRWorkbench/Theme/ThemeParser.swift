import Foundation

/// Why a theme file was rejected.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
  /// A message naming the file, line and what was expected.
  public let description: String
}

/// Reads btop-style theme files: one `theme[key]="value"` per line, `#` comments, blank lines.
/// Values are `#RRGGBB`, `#GG` (grey), `R G B` (decimal) or empty (the terminal's default colour).
/// Keys the file leaves out keep the built-in theme's colour; unknown keys are ignored.
public enum ThemeParser {
  /// Parses theme text. Throws ``ThemeError`` for a line that is not a comment, blank, or a valid entry.
  public static func parse(_ text: String, name: String, file: String = "theme") throws -> Theme {
    var theme = Theme.builtIn
    theme.name = name
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      func fail(_ why: String) -> ThemeError { ThemeError(description: "\(file) line \(i + 1): \(why): \(line)") }
      guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else {
        throw fail("expected theme[key]=\"#RRGGBB\"")
      }
      let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
      var rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
      guard rest.hasPrefix("=") else { throw fail("expected = after the key") }
      rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces)
      guard rest.count >= 2, let q = rest.first, q == "\"" || q == "'", rest.last == q else {
        throw fail("expected a quoted value")
      }
      let value = String(rest.dropFirst().dropLast())
      guard let color = parseColor(value) else { throw fail("not a colour (use #RRGGBB, #GG or R G B)") }
      if let k = ThemeKey(rawValue: key) { theme.colors[k] = color }
    }
    return theme
  }

  /// Parses a colour value; `.some(nil)` for an empty value (terminal default), nil when malformed.
  public static func parseColor(_ value: String) -> RGB?? {
    let v = value.trimmingCharacters(in: .whitespaces)
    if v.isEmpty { return .some(nil) }
    if v.hasPrefix("#") {
      let hex = v.dropFirst()
      guard hex.count == 6 || hex.count == 2, let n = UInt32(hex, radix: 16) else { return nil }
      if hex.count == 2 { return RGB(UInt8(n), UInt8(n), UInt8(n)) }
      return RGB(UInt8(n >> 16), UInt8((n >> 8) & 0xff), UInt8(n & 0xff))
    }
    let parts = v.split(separator: " ").compactMap { UInt8($0) }
    guard parts.count == 3, v.split(separator: " ").count == 3 else { return nil }
    return RGB(parts[0], parts[1], parts[2])
  }
}

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
