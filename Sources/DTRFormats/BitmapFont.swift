/// A 5×7 pixel font of the project's own, for writing prompts and labels into PNG grids.
///
/// It covers a–z (upper case is drawn as lower case), 0–9, space and `- . , : = / ( ) < > + _ ?`; any
/// other character is drawn as `?`. Each glyph occupies a 5×7 cell and is followed by one blank column,
/// so text advances ``advance`` pixels per character; lines are ``lineHeight`` pixels apart. At `scale`
/// s every font pixel is an s×s block.
public enum BitmapFont {
  /// Glyph width in font pixels.
  public static let glyphWidth = 5
  /// Glyph height in font pixels.
  public static let glyphHeight = 7
  /// Horizontal distance between the left edges of neighbouring characters.
  public static let advance = glyphWidth + 1
  /// Vertical distance between the tops of consecutive lines.
  public static let lineHeight = glyphHeight + 2

  /// The rows of each glyph, `#` for ink.
  private static let drawings: [Character: [String]] = [
    "a": [".....", ".....", ".###.", "....#", ".####", "#...#", ".####"],
    "b": ["#....", "#....", "####.", "#...#", "#...#", "#...#", "####."],
    "c": [".....", ".....", ".####", "#....", "#....", "#....", ".####"],
    "d": ["....#", "....#", ".####", "#...#", "#...#", "#...#", ".####"],
    "e": [".....", ".....", ".###.", "#...#", "#####", "#....", ".###."],
    "f": ["..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."],
    "g": [".....", ".####", "#...#", "#...#", ".####", "....#", ".###."],
    "h": ["#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"],
    "i": ["..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."],
    "j": ["...#.", ".....", "..##.", "...#.", "...#.", "#..#.", ".##.."],
    "k": ["#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."],
    "l": [".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "m": [".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"],
    "n": [".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"],
    "o": [".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."],
    "p": [".....", "####.", "#...#", "#...#", "####.", "#....", "#...."],
    "q": [".....", ".####", "#...#", "#...#", ".####", "....#", "....#"],
    "r": [".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."],
    "s": [".....", ".....", ".####", "#....", ".###.", "....#", "####."],
    "t": [".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."],
    "u": [".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"],
    "v": [".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
    "w": [".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."],
    "x": [".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"],
    "y": [".....", "#...#", "#...#", "#...#", ".####", "....#", ".###."],
    "z": [".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"],
    "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
    "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
    "3": ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
    "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
    "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
    "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
    "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
    "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
    "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
    ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
    ",": [".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."],
    ":": [".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."],
    "=": [".....", ".....", "#####", ".....", "#####", ".....", "....."],
    "/": [".....", "....#", "...#.", "..#..", ".#...", "#....", "....."],
    "(": ["...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."],
    ")": [".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."],
    "<": ["...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."],
    ">": [".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."],
    "+": [".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."],
    "_": [".....", ".....", ".....", ".....", ".....", ".....", "#####"],
    "?": [".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."],
  ]

  /// Each glyph as seven row masks, bit 4 the leftmost column.
  private static let masks: [Character: [UInt8]] = drawings.mapValues { rows in
    rows.map { row in row.reduce(UInt8(0)) { $0 << 1 | ($1 == "#" ? 1 : 0) } }
  }

  /// Every character with a glyph of its own (space included).
  public static var characters: [Character] { [" "] + masks.keys.sorted() }

  /// The seven row masks of `character` (bit 4 is the leftmost column): its own glyph, the lower-case
  /// one for a capital, blank for a space, and `?` otherwise.
  public static func rows(of character: Character) -> [UInt8] {
    if character == " " { return [UInt8](repeating: 0, count: glyphHeight) }
    return masks[character] ?? masks[Character(character.lowercased())] ?? masks["?"]!
  }

  /// The width in pixels of `text` at `scale`, without the blank column after its last character.
  public static func width(of text: String, scale: Int = 1) -> Int {
    text.isEmpty ? 0 : (text.count * advance - 1) * scale
  }

  /// `text` broken into lines of at most `characters` characters, at spaces where possible (a word
  /// longer than a line is cut); an empty text is one empty line.
  public static func wrap(_ text: String, characters: Int) -> [String] {
    precondition(characters > 0, "lines need room for a character")
    var lines: [String] = [], line = ""
    for word in text.split(separator: " ").map(String.init) {
      if !line.isEmpty && line.count + 1 + word.count <= characters {
        line += " " + word
        continue
      }
      if !line.isEmpty { lines.append(line) }
      var rest = Substring(word)
      while rest.count > characters {
        lines.append(String(rest.prefix(characters)))
        rest = rest.dropFirst(characters)
      }
      line = String(rest)
    }
    return lines + [line].filter { !$0.isEmpty || lines.isEmpty }
  }

  /// Draws `text` with its top-left corner at (`x`, `y`) into the one-byte-per-pixel image `pixels` of
  /// `imageWidth` columns, setting ink pixels to `level`; pixels outside the image are left out.
  public static func draw(_ text: String, into pixels: inout [UInt8], imageWidth: Int, x: Int, y: Int,
                          scale: Int = 1, level: UInt8) {
    let imageHeight = pixels.count / imageWidth
    for (i, character) in text.enumerated() {
      for (row, mask) in rows(of: character).enumerated() {
        for column in 0..<glyphWidth where mask & (1 << (glyphWidth - 1 - column)) != 0 {
          for dy in 0..<scale {
            for dx in 0..<scale {
              let px = x + (i * advance + column) * scale + dx, py = y + row * scale + dy
              if (0..<imageWidth).contains(px) && (0..<imageHeight).contains(py) { pixels[py * imageWidth + px] = level }
            }
          }
        }
      }
    }
  }
}
