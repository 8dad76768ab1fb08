import DTREngine

/// Lays out the samples of several prompts as a greyscale PNG: for each prompt, its text (in
/// ``BitmapFont``, wrapped to the grid's width) and below it one row of its `columns` images.
///
/// Images are stored prompt by prompt: prompt p's images are p·columns ..< (p+1)·columns. The grid is at
/// least wide enough for ``minimumCharacters`` characters per text line.
public struct PromptGrid: Sendable {
  /// Images per prompt.
  public var columns: Int
  /// Pixels between images, around the border and below each image row.
  public var gutter: Int
  /// The grey of the background, the gutter and the paper under the text.
  public var background: UInt8
  /// Font pixels per output pixel side.
  public var textScale: Int
  /// The mapping from float values to bytes.
  public var range: ImageGrid.ValueRange
  /// The narrowest text line, in characters.
  public var minimumCharacters: Int

  /// A grid showing `columns` images per prompt.
  public init(columns: Int, gutter: Int = 2, background: UInt8 = 255, textScale: Int = 1,
              range: ImageGrid.ValueRange = .minusOneToOne, minimumCharacters: Int = 40) {
    precondition(columns > 0 && gutter >= 0 && textScale > 0 && minimumCharacters > 0,
                 "bad prompt grid: \(columns) columns, gutter \(gutter), text scale \(textScale)")
    self.columns = columns
    self.gutter = gutter
    self.background = background
    self.textScale = textScale
    self.range = range
    self.minimumCharacters = minimumCharacters
  }

  /// The ink of the text: black on a light background, white on a dark one.
  public var textLevel: UInt8 { background >= 128 ? 0 : 255 }

  /// The output width for images `width` pixels wide.
  public func outputWidth(imageWidth width: Int) -> Int {
    max(columns * (width + gutter) + gutter, 2 * gutter + BitmapFont.width(of: String(repeating: " ", count: minimumCharacters), scale: textScale))
  }

  /// Characters per text line for images `width` pixels wide.
  public func charactersPerLine(imageWidth width: Int) -> Int {
    (outputWidth(imageWidth: width) - 2 * gutter + textScale) / (BitmapFont.advance * textScale)
  }

  /// The text lines of `prompt` for images `width` pixels wide.
  public func lines(of prompt: String, imageWidth width: Int) -> [String] {
    BitmapFont.wrap(prompt, characters: charactersPerLine(imageWidth: width))
  }

  /// Renders `prompts.count × columns` images of `height` × `width` floats stored back to back at
  /// `values`, each prompt's text above its row.
  public func render(_ values: UnsafeBufferPointer<Float>, prompts: [String], height: Int, width: Int) -> PNGImage {
    let count = prompts.count * columns
    precondition(!prompts.isEmpty && height > 0 && width > 0 && values.count >= count * height * width,
                 "\(values.count) values for \(prompts.count) prompts of \(columns) images of \(height)×\(width)")
    let outWidth = outputWidth(imageWidth: width)
    let tops = imageRowTops(prompts: prompts, height: height, width: width)
    let outHeight = tops[tops.count - 1] + height + gutter
    var pixels = [UInt8](repeating: background, count: outWidth * outHeight)
    for (p, prompt) in prompts.enumerated() {
      let text = lines(of: prompt, imageWidth: width), textTop = tops[p] - text.count * BitmapFont.lineHeight * textScale
      for (l, line) in text.enumerated() {
        BitmapFont.draw(line, into: &pixels, imageWidth: outWidth, x: gutter,
                        y: textTop + l * BitmapFont.lineHeight * textScale, scale: textScale, level: textLevel)
      }
      for c in 0..<columns {
        let image = (p * columns + c) * height * width, left = gutter + c * (width + gutter)
        for y in 0..<height {
          for x in 0..<width { pixels[(tops[p] + y) * outWidth + left + x] = range.byte(values[image + y * width + x]) }
        }
      }
    }
    return PNGImage(width: outWidth, height: outHeight, colorType: .grey, pixels: pixels)
  }

  /// Renders images shaped [N, 1, H, W] or [N, H, W] with N = `prompts.count × columns`.
  public func render(_ images: Tensor, prompts: [String]) -> PNGImage {
    let s = images.shape
    precondition(s.count == 3 || (s.count == 4 && s[1] == 1), "expected [N,H,W] or [N,1,H,W], got \(s)")
    precondition(s[0] == prompts.count * columns, "\(s[0]) images for \(prompts.count) prompts × \(columns)")
    return render(UnsafeBufferPointer(start: images.data, count: images.count), prompts: prompts,
                  height: s[s.count - 2], width: s[s.count - 1])
  }

  /// Renders the images and prompts and writes the PNG atomically to `path`.
  public func write(_ images: Tensor, prompts: [String], to path: String) throws {
    try render(images, prompts: prompts).write(to: path)
  }
}
