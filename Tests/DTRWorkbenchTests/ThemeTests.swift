import DTRWorkbench
import Foundation
import XCTest

final class ThemeTests: XCTestCase {
  func testParsesValuesCommentsAndFallsBackForMissingKeys() throws {
    let t = try ThemeParser.parse("""
      # a comment
      theme[main_fg]="#102030"
      theme[title] = "#80"

      theme[hi_fg]="1 2 3"
      theme[main_bg]=""
      theme[not_a_key]="#ffffff"
      """, name: "t")
    XCTAssertEqual(t[.mainFg], RGB(0x10, 0x20, 0x30))
    XCTAssertEqual(t[.title], RGB(0x80, 0x80, 0x80))
    XCTAssertEqual(t[.hiFg], RGB(1, 2, 3))
    XCTAssertNil(t[.mainBg])
    XCTAssertEqual(t[.lossFg], Theme.builtIn[.lossFg], "missing key keeps the default")
    XCTAssertEqual(t.name, "t")
  }

  func testMalformedFileGivesAClearMessageAndTheDefaultTheme() throws {
    XCTAssertThrowsError(try ThemeParser.parse("theme[main_fg]=\"#12345\"", name: "bad", file: "bad.theme")) { e in
      XCTAssertEqual("\(e)", "bad.theme line 1: not a colour (use #RRGGBB, #GG or R G B): theme[main_fg]=\"#12345\"")
    }
    XCTAssertThrowsError(try ThemeParser.parse("\nmain_fg = red", name: "bad")) { e in
      XCTAssertTrue("\(e)".contains("line 2"))
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-themes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "theme[title]=#fff".write(to: dir.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
    let (theme, problem) = ThemeLibrary(directory: dir.path).load("broken")
    XCTAssertEqual(theme, .builtIn)
    XCTAssertTrue(problem?.contains("broken.theme line 1") == true, problem ?? "")
    let missing = ThemeLibrary(directory: dir.path).load("nope")
    XCTAssertEqual(missing.theme, .builtIn)
    XCTAssertNotNil(missing.problem)
  }

  func testShippedThemesParseAndDefaultMatchesTheBuiltIn() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("themes").path
    let library = ThemeLibrary(directory: dir)
    XCTAssertEqual(library.names, ["default", "greyscale", "high-contrast", "light"])
    for name in library.names {
      let text = try String(contentsOfFile: dir + "/\(name).theme", encoding: .utf8)
      let theme = try ThemeParser.parse(text, name: name)
      if name == "default" { XCTAssertEqual(theme, .builtIn) }
      for key in ThemeKey.allCases { XCTAssertTrue(text.contains("theme[\(key.rawValue)]="), "\(name): \(key)") }
    }
  }

  func testXterm256Mapping() {
    XCTAssertEqual(ColorDepth.xterm256(RGB(0, 0, 0)), 16)
    XCTAssertEqual(ColorDepth.xterm256(RGB(255, 255, 255)), 231)
    XCTAssertEqual(ColorDepth.xterm256(RGB(255, 0, 0)), 196)
    XCTAssertEqual(ColorDepth.xterm256(RGB(0x5f, 0xd7, 0xff)), 81)
    XCTAssertEqual(ColorDepth.xterm256(RGB(128, 128, 128)), 244, "grey ramp: 8 + 10·12")
    XCTAssertEqual(ColorDepth.xterm256(RGB(0x44, 0x44, 0x46)), 238)
  }

  func testSixteenAndEightColourMappingAndNoColor() {
    XCTAssertEqual(ColorDepth.ansi16.index(RGB(255, 0, 0)), 9)
    XCTAssertEqual(ColorDepth.ansi16.index(RGB(200, 0, 0)), 1)
    XCTAssertEqual(ColorDepth.ansi8.index(RGB(255, 0, 0)), 1)
    XCTAssertEqual(ColorDepth.ansi16.index(RGB(250, 250, 250)), 15)
    XCTAssertNil(ColorDepth.monochrome.index(RGB(255, 0, 0)))
    XCTAssertEqual(ColorDepth.detect(colors: 256, hasColors: true, noColor: nil), .palette256)
    XCTAssertEqual(ColorDepth.detect(colors: 256, hasColors: true, noColor: "1"), .monochrome)
    XCTAssertEqual(ColorDepth.detect(colors: 256, hasColors: true, noColor: ""), .palette256)
    XCTAssertEqual(ColorDepth.detect(colors: 8, hasColors: true, noColor: nil), .ansi8)
    XCTAssertEqual(ColorDepth.detect(colors: 16, hasColors: true, noColor: nil), .ansi16)
  }

  func testHeatGradientEnds() {
    let t = Theme.builtIn
    XCTAssertEqual(t.heat(0), t[.heatmapStart])
    XCTAssertEqual(t.heat(0.5), t[.heatmapMid])
    XCTAssertEqual(t.heat(1), t[.heatmapEnd])
  }
}
