extension PromptGrid {
  /// The first pixel row of each prompt's row of images in the grid ``render(_:prompts:height:width:)``
  /// draws for `prompts` and images of `height` × `width` (below the prompt's text lines), so a viewer
  /// can show each row under its own prompt.
  public func imageRowTops(prompts: [String], height: Int, width: Int) -> [Int] {
    var top = gutter
    return prompts.map { prompt in
      top += lines(of: prompt, imageWidth: width).count * BitmapFont.lineHeight * textScale
      defer { top += height + gutter }
      return top
    }
  }
}
