import DTREngine
import DTRFormats
import DTRTestSupport
import XCTest

final class PromptGridTests: XCTestCase {
  /// Reads `count` characters of text whose top-left corner is (x, y) in `image` at `scale`, by matching
  /// each cell against every glyph: the exact glyph is required (a '#' pixel is `ink`, every other pixel
  /// of the cell and of the blank column after it is not).
  func read(_ image: PNGImage, x: Int, y: Int, count: Int, scale: Int, ink: UInt8) -> String? {
    var text = ""
    for i in 0..<count {
      var masks = [UInt8](repeating: 0, count: BitmapFont.glyphHeight)
      for row in 0..<BitmapFont.glyphHeight {
        for column in 0..<BitmapFont.advance {
          // Every pixel of a font pixel's s×s block must agree.
          let values = (0..<scale).flatMap { dy in
            (0..<scale).map { dx in
              image.pixels[(y + row * scale + dy) * image.width + x + (i * BitmapFont.advance + column) * scale + dx]
            }
          }
          guard Set(values).count == 1 else { return nil }
          if values[0] == ink {
            guard column < BitmapFont.glyphWidth else { return nil }
            masks[row] |= 1 << (BitmapFont.glyphWidth - 1 - column)
          }
        }
      }
      guard let character = BitmapFont.characters.first(where: { BitmapFont.rows(of: $0) == masks }) else { return nil }
      text.append(character)
    }
    return text
  }

  func testEveryGlyphIsDistinctAndUnknownCharactersShowAsQuestionMarks() {
    let glyphs = BitmapFont.characters.map { BitmapFont.rows(of: $0) }
    XCTAssertEqual(Set(glyphs).count, glyphs.count, "no two characters look alike")
    for c in "abcdefghijklmnopqrstuvwxyz0123456789-" { XCTAssertTrue(BitmapFont.characters.contains(c), "\(c)") }
    XCTAssertEqual(BitmapFont.rows(of: "B"), BitmapFont.rows(of: "b"))
    XCTAssertEqual(BitmapFont.rows(of: "é"), BitmapFont.rows(of: "?"))
    XCTAssertTrue(BitmapFont.rows(of: " ").allSatisfy { $0 == 0 })
  }

  func testWrapBreaksAtSpacesAndCutsLongWords() {
    XCTAssertEqual(BitmapFont.wrap("a small dark sneaker on the left", characters: 12), ["a small dark", "sneaker on", "the left"])
    XCTAssertEqual(BitmapFont.wrap("abcdefghij k", characters: 4), ["abcd", "efgh", "ij k"])
    XCTAssertEqual(BitmapFont.wrap("", characters: 4), [""])
    XCTAssertEqual(BitmapFont.wrap("exactly", characters: 7), ["exactly"])
  }

  func testPromptsReadBackFromThePNGAboveTheirImages() throws {
    let prompts = ["a small dark sneaker on the top left and a large light flipped bag on the right",
                   "t-shirt 0123456789 (cfg=3.5, seed:7) <null> a+b_c/d?"]
    for scale in [1, 2] {
      let columns = 3, height = 4, width = 5
      let grid = PromptGrid(columns: columns, gutter: 2, background: 200, textScale: scale, minimumCharacters: 20)
      // Image n is constant at value n / 6 − 0.5.
      let n = prompts.count * columns
      let values = (0..<n).flatMap { [Float](repeating: Float($0) / 6 - 0.5, count: height * width) }
      let written = grid.render(Tensor([n, 1, height, width], values), prompts: prompts)
      let image = try PNGImage(decoding: try written.encoded())
      XCTAssertEqual(image, written)
      XCTAssertEqual(image.colorType, .grey)
      XCTAssertEqual(image.width, max(2 + 3 * 7, 4 + (20 * 6 - 1) * scale))
      XCTAssertEqual(grid.textLevel, 0)

      var top = 2, textPixels = 0
      for (p, prompt) in prompts.enumerated() {
        let lines = grid.lines(of: prompt, imageWidth: width)
        XCTAssertEqual(lines.joined(separator: " "), prompt, "wrapping keeps every character")
        XCTAssertTrue(lines.allSatisfy { $0.count <= grid.charactersPerLine(imageWidth: width) })
        for (l, line) in lines.enumerated() {
          let y = top + l * BitmapFont.lineHeight * scale
          XCTAssertEqual(read(image, x: 2, y: y, count: line.count, scale: scale, ink: 0), line, "prompt \(p) line \(l) at scale \(scale)")
          textPixels += line.map { c in BitmapFont.rows(of: c).map { $0.nonzeroBitCount }.reduce(0, +) }.reduce(0, +) * scale * scale
        }
        top += lines.count * BitmapFont.lineHeight * scale
        for c in 0..<columns {
          let expected = UInt8(((Float(p * columns + c) / 6 - 0.5 + 1) * 127.5).rounded())
          for y in 0..<height {
            for x in 0..<width {
              XCTAssertEqual(image.pixels[(top + y) * image.width + 2 + c * (width + 2) + x], expected)
            }
          }
          XCTAssertEqual(image.pixels[(top + height) * image.width + 2 + c * (width + 2)], 200, "gutter below the images")
        }
        top += height + 2
      }
      XCTAssertEqual(top, image.height, "nothing below the last row but its gutter")
      XCTAssertEqual(image.pixels.filter { $0 == 0 }.count, textPixels, "ink only where the glyphs are")
    }
  }
}
