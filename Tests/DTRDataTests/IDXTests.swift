import DTRData
import DTRTestSupport
import Foundation
import XCTest

final class IDXTests: XCTestCase {
  var dir: TemporaryDirectory!
  override func setUp() { dir = TemporaryDirectory() }
  override func tearDown() { dir.cleanUp() }

  /// An IDX file of unsigned bytes with the given dimensions and data.
  func idx(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
    [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { bigEndian(UInt32($0)) } + data
  }

  func testDecodesImagesAndLabels() throws {
    let pixels = testBytes(2 * 3 * 4, seed: 1)
    let images = try IDXFile.decode(idx([2, 3, 4], pixels), magic: IDXFile.imagesMagic, source: "i")
    XCTAssertEqual(images.dimensions, [2, 3, 4])
    XCTAssertEqual(images.bytes, pixels)
    let path = dir.file("labels-idx1-ubyte")
    try Data(idx([3], [1, 2, 3])).write(to: URL(fileURLWithPath: path))
    let labels = try IDXFile.read(path, magic: IDXFile.labelsMagic)
    XCTAssertEqual(labels.dimensions, [3])
    XCTAssertEqual(labels.bytes, [1, 2, 3])
  }

  func testRejectsBadMagicSizeAndTruncation() throws {
    let good = idx([2, 2, 2], [UInt8](repeating: 7, count: 8))
    assertDataError(try IDXFile.decode(good, magic: IDXFile.labelsMagic, source: "f"), path: "f",
                    mentions: ["magic", "0x00000803", "0x00000801"])
    var flipped = good
    flipped[2] = 0x0D  // int32 data
    assertDataError(try IDXFile.decode(flipped, magic: IDXFile.imagesMagic, source: "f"), path: "f", mentions: ["magic"])
    for length in 0..<good.count {
      assertDataError(try IDXFile.decode(Array(good.prefix(length)), magic: IDXFile.imagesMagic, source: "f"), path: "f")
    }
    assertDataError(try IDXFile.decode(good + [0], magic: IDXFile.imagesMagic, source: "f"), path: "f", mentions: ["9 "])
    let huge = idx([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [])
    assertDataError(try IDXFile.decode(huge, magic: IDXFile.imagesMagic, source: "f"), path: "f", mentions: ["truncated"])
    assertDataError(try IDXFile.read(dir.file("none"), magic: IDXFile.imagesMagic), path: dir.file("none"), mentions: ["cannot open"])
  }

  func testTruncatedAndCorruptGzipThrow() throws {
    let source = FashionMNIST.defaultDirectory + "/t10k-labels-idx1-ubyte.gz"
    guard let gz = FileManager.default.contents(atPath: source) else { throw XCTSkip("Fashion-MNIST not installed") }
    let path = dir.file("t10k-labels-idx1-ubyte.gz")
    for cut in [20, gz.count / 2, gz.count - 3] {
      try gz.prefix(cut).write(to: URL(fileURLWithPath: path))
      assertDataError(try IDXFile.read(path, magic: IDXFile.labelsMagic), path: path)
    }
    var corrupt = gz
    for i in stride(from: 100, to: 200, by: 1) { corrupt[i] ^= 0x5A }
    try corrupt.write(to: URL(fileURLWithPath: path))
    assertDataError(try IDXFile.read(path, magic: IDXFile.labelsMagic), path: path)
  }
}
