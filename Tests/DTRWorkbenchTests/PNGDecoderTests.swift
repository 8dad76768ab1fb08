import DTRWorkbench
import Foundation
import XCTest

final class PNGDecoderTests: XCTestCase {
  /// 4×3 greyscale, rows filtered with None, Sub and Up.
  static let grey4x3 = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAAAAACRn/EaAAAAF0lEQVR4nGNgMEqZxshlZGTE9PXIxAQAGeUEergxu3IAAAAASUVORK5CYII="
  /// 2×2 RGB (red, green / blue, white), rows filtered with Average and Paeth.
  static let rgb2x2 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFUlEQVR4nGP+z8DQ+J+BhZHhP5AFACJHBIYuH9F2AAAAAElFTkSuQmCC"

  func bytes(_ b64: String) -> [UInt8] { [UInt8](Data(base64Encoded: b64)!) }

  func testGreyscaleWithFilters() throws {
    let img = try PNGDecoder.decode(bytes(Self.grey4x3))
    XCTAssertEqual(img.width, 4)
    XCTAssertEqual(img.height, 3)
    XCTAssertEqual(img.pixels, [0, 50, 100, 150, 10, 60, 110, 160, 255, 0, 255, 0])
  }

  func testRGBBecomesLuminance() throws {
    let img = try PNGDecoder.decode(bytes(Self.rgb2x2))
    XCTAssertEqual(img.pixels, [54, 182, 18, 255])
  }

  func testRejectsGarbageAndTruncation() {
    XCTAssertThrowsError(try PNGDecoder.decode([1, 2, 3]))
    let b = bytes(Self.grey4x3)
    XCTAssertThrowsError(try PNGDecoder.decode(Array(b.prefix(b.count - 20))))
  }
}
