import DTRData
import DTRTestSupport
import XCTest

final class CaptionParserTests: XCTestCase {
  func testParsesTheExampleCaption() throws {
    let layout = try CaptionCanvasGenerator.parse("a small dark sneaker on the top left and a large light flipped bag on the right")
    XCTAssertEqual(layout.garments, [
      GarmentLayout(classIndex: 7, slot: .left, size: .small, vertical: .top, dark: true, flipped: false),
      GarmentLayout(classIndex: 8, slot: .right, size: .large, vertical: nil, dark: false, flipped: true),
    ])
    XCTAssertEqual(layout.caption, "a small dark sneaker on the top left and a large light flipped bag on the right")
    XCTAssertFalse(layout.isHeldOut, "sneaker left and bag right are training pairs")
    XCTAssertTrue(try CaptionParser.parse("a large light sneaker on the right").isHeldOut)
    XCTAssertTrue(try CaptionParser.parse("a large light coat on the right and a small dark bag on the bottom left").isHeldOut)
  }

  func testEveryLayoutRoundTripsThroughItsCaption() throws {
    var count = 0
    for classIndex in 0..<10 {
      for slot in GarmentLayout.Slot.allCases {
        for vertical in [nil, GarmentLayout.Vertical.top, .bottom] {
          for dark in [false, true] {
            for flipped in [false, true] {
              let garment = GarmentLayout(classIndex: classIndex, slot: slot, size: vertical == nil ? .large : .small,
                                          vertical: vertical, dark: dark, flipped: flipped)
              let other = GarmentLayout(classIndex: 9 - classIndex, slot: slot == .left ? .right : .left, size: .small,
                                        vertical: .bottom, dark: !dark, flipped: !flipped)
              for layout in [CanvasLayout(garments: [garment]), CanvasLayout(garments: [garment, other]),
                             CanvasLayout(garments: [other, garment])] {
                XCTAssertEqual(try CaptionParser.parse(layout.caption), layout, layout.caption)
                count += 1
              }
            }
          }
        }
      }
    }
    XCTAssertEqual(count, 10 * 2 * 3 * 2 * 2 * 3)
  }

  func testCaptionsOutsideTheGrammarNameTheProblem() {
    let cases: [(String, [String])] = [
      ("a bag on the right", ["expected a size", "found 'bag' (word 2)"]),
      ("a large bag on the right", ["expected a brightness", "'bag'"]),
      ("a large light bag on the top right", ["left or right", "no top or bottom", "'top'"]),
      ("a small light bag on the right", ["top or bottom", "'right'"]),
      ("a large light bag on the", ["left or right", "found the end"]),
      ("a large light bag on the left a small dark coat on the top right", ["'and'", "'a' (word 8)"]),
      ("a large light bag on the left and a small dark coat on the top left", ["both garments are on the left"]),
      ("a large light bag on the left and a large light coat on the right and", ["end of the caption", "'and' (word 16)"]),
      ("a large light purse on the left", ["unknown word 'purse'"]),
      ("a large light flipped flipped bag on the left", ["expected a garment", "'flipped' (word 5)"]),
    ]
    for (caption, mentions) in cases {
      assertOneLineError(CaptionError.self, try CaptionParser.parse(caption), path: "caption \"\(caption)\"", mentions: mentions)
    }
  }
}
