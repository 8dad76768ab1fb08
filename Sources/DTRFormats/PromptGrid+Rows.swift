extension PromptGrid {
  /// The first pixel row of each prompt's row of images (below the prompt's text lines) for `prompts` and
  /// images of `height` × `width`: the layout ``render(_:prompts:height:width:)`` draws, and what a viewer
  /// uses to show each row under its own prompt.
  public func imageRowTops(prompts: [String], height: Int, width: Int) -> [Int] {
    var top = gutter
    return prompts.map { prompt in
      top += lines(of: prompt, imageWidth: width).count * BitmapFont.lineHeight * textScale
      defer { top += height + gutter }
      return top
    }
  }
}
