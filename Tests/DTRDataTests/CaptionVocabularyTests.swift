import DTRData
import DTRTestSupport
import XCTest

final class CaptionVocabularyTests: XCTestCase {
  func testIdsPadAndNull() throws {
    XCTAssertEqual(CaptionVocabulary.size, CaptionVocabulary.words.count + 2)
    XCTAssertEqual(Set(CaptionVocabulary.words).count, CaptionVocabulary.words.count, "no word twice")
    XCTAssertEqual(CaptionVocabulary.nullTokens.count, CaptionVocabulary.length)
    XCTAssertEqual(CaptionVocabulary.nullTokens[0], 1)
    XCTAssertTrue(CaptionVocabulary.nullTokens.dropFirst().allSatisfy { $0 == 0 })
    XCTAssertEqual(CaptionVocabulary.decode(CaptionVocabulary.nullTokens), "")

    let ids = try CaptionVocabulary.encode("a large light bag on the right")
    XCTAssertEqual(ids.count, CaptionVocabulary.length)
    XCTAssertEqual(Array(ids[0..<7]), [2, 11, 13, 23, 4, 5, 7], "word ids follow the fixed order from 2")
    XCTAssertTrue(ids[7...].allSatisfy { $0 == 0 })
    // Case and repeated spaces do not matter.
    XCTAssertEqual(try CaptionVocabulary.encode("  A Large  LIGHT bag on the right "), ids)
  }

  func testEncodeDecodeRoundTripEveryWord() throws {
    let words = CaptionVocabulary.words
    // Every word, in chunks that fit the length.
    for start in stride(from: 0, to: words.count, by: CaptionVocabulary.length) {
      let text = words[start..<min(start + CaptionVocabulary.length, words.count)].joined(separator: " ")
      let ids = try CaptionVocabulary.encode(text)
      XCTAssertEqual(CaptionVocabulary.decode(ids), text)
      XCTAssertTrue(ids.allSatisfy { (0..<Int32(CaptionVocabulary.size)).contains($0) })
    }
    XCTAssertEqual(CaptionVocabulary.decode([2, 99, 0]), "a <id 99>")
  }

  func testUnknownWordTooLongAndEmptyAreOneLineErrors() {
    assertOneLineError(CaptionError.self, try CaptionVocabulary.encode("a large blue bag on the right"),
                       path: "caption \"a large blue bag on the right\"",
                       mentions: ["unknown word 'blue'", "t-shirt", "flipped", "sneaker"])
    let long = Array(repeating: "a", count: CaptionVocabulary.length + 1).joined(separator: " ")
    assertOneLineError(CaptionError.self, try CaptionVocabulary.encode(long), path: "caption", mentions: ["25 words"])
    assertOneLineError(CaptionError.self, try CaptionVocabulary.encode("   "), path: "caption", mentions: ["empty"])
  }
}
