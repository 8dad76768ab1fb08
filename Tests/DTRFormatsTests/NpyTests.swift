import DTREngine
import DTRFormats
import DTRTestSupport
import Foundation
import XCTest

final class NpyTests: XCTestCase {
  var dir: TemporaryDirectory!
  override func setUp() { dir = TemporaryDirectory() }
  override func tearDown() { dir.cleanUp() }

  func testRoundTripAllDtypesAndRanks() throws {
    let shapes: [[Int]] = [[], [5], [2, 3], [2, 1, 4], [1, 2, 2, 2], [0, 4]]
    for shape in shapes {
      let n = shape.reduce(1, *)
      let arrays = [
        RawTensor((0..<n).map { Float($0) * 0.5 - 1 }, shape: shape),
        RawTensor((0..<n).map { Double($0) / 3 }, shape: shape),
        RawTensor((0..<n).map { Int64($0) - 3_000_000_000 }, shape: shape),
        RawTensor((0..<n).map { Int32($0) - 2 }, shape: shape),
        RawTensor((0..<n).map { UInt8($0 * 9 % 256) }, shape: shape),
      ]
      for array in arrays {
        let path = dir.file("a.npy")
        try NpyFile.write(array, to: path)
        XCTAssertEqual(try NpyFile.read(from: path), array, "\(array.elementType) \(shape)")
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let headerEnd = 10 + Int(bytes[8]) + Int(bytes[9]) << 8
        XCTAssertEqual(headerEnd % 64, 0)
        XCTAssertEqual(bytes[headerEnd - 1], UInt8(ascii: "\n"))
      }
    }
    let t = try XCTUnwrap(RawTensor(Tensor([2, 2], [1, 2, 3, 4])).tensor())
    XCTAssertEqual(t.toArray(), [1, 2, 3, 4])
    XCTAssertEqual(dir.listing(), ["a.npy"])
  }

  func testNumPyReadsOurFilesAndWeReadNumPys() throws {
    try NpyFile.write(RawTensor((0..<24).map { Float($0) }, shape: [2, 3, 4]), to: dir.file("ours.npy"))
    let script = """
      import sys
      try:
          import numpy as np
      except ImportError:
          sys.exit(77)
      d = sys.argv[1]
      a = np.load(d + '/ours.npy')
      print(a.dtype, a.shape, a[1, 2, 3])
      np.save(d + '/f8.npy', np.arange(6, dtype='<f8').reshape(3, 2) / 4)
      np.save(d + '/i8.npy', np.array(-7, dtype='<i8'))
      np.save(d + '/f4.npy', np.arange(5, dtype='<f4'))
      np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype='<f4')))
      np.save(d + '/big.npy', np.ones(3, dtype='>f4'))
      with open(d + '/v2.npy', 'wb') as f:
          np.lib.format.write_array(f, np.arange(4, dtype='<i8'), version=(2, 0))
      """
    guard let output = try runPython(script, [dir.path]) else { throw XCTSkip("python3 with numpy not available") }
    XCTAssertEqual(output, "float32 (2, 3, 4) 23.0")
    XCTAssertEqual(try NpyFile.read(from: dir.file("f8.npy")), RawTensor([0, 0.25, 0.5, 0.75, 1, 1.25] as [Double], shape: [3, 2]))
    XCTAssertEqual(try NpyFile.read(from: dir.file("i8.npy")), RawTensor([-7] as [Int64], shape: []))
    XCTAssertEqual(try NpyFile.read(from: dir.file("f4.npy")), RawTensor([0, 1, 2, 3, 4] as [Float], shape: [5]))
    XCTAssertEqual(try NpyFile.read(from: dir.file("v2.npy")), RawTensor([0, 1, 2, 3] as [Int64], shape: [4]))
    assertFormatError(try NpyFile.read(from: dir.file("fortran.npy")), path: dir.file("fortran.npy"), mentions: ["Fortran"])
    assertFormatError(try NpyFile.read(from: dir.file("big.npy")), path: dir.file("big.npy"), mentions: ["big-endian"])
  }

  /// An `.npy` file with a hand-written header and `data`.
  func npy(_ header: String, _ data: [UInt8] = [], version: UInt8 = 1) -> Data {
    var out = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
    let length = header.utf8.count
    out.append(contentsOf: version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
               : [UInt8(length & 0xFF), UInt8(length >> 8), 0, 0])
    out.append(contentsOf: header.utf8)
    out.append(contentsOf: data)
    return out
  }

  func testHeaderParsingIsTolerantOfPythonSyntax() throws {
    let eight = [UInt8](repeating: 0, count: 8)
    let headers = [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n",
      "{\"shape\": (2L,), \"descr\": \"<f4\", \"fortran_order\": False}",
      "  { 'fortran_order' : False ,'shape':[ 1 , 2 ],'descr':'=f4' }   \n",
    ]
    for header in headers {
      let array = try NpyFile.decode(npy(header, eight))
      XCTAssertEqual(array.elementType, .float32)
      XCTAssertEqual(array.elementCount, 2)
    }
  }

  func testMalformedFilesThrowDescriptiveErrors() {
    let cases: [(Data, String)] = [
      (Data("NUMPY".utf8), "magic"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", version: 4), "version 4"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), "truncated"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0, 9]), "trailing"),
      (npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", [0, 0, 0, 0]), "Fortran"),
      (npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), "<c8"),
      (npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), "big-endian"),
      (npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), "structured"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), "negative"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"), "too large"),
      (npy("{'descr': '<f4', 'shape': (1,), }", [0, 0, 0, 0]), "keys"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", [0, 0, 0, 0]), "keys"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", [0, 0, 0, 0]), "header"),
      (npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", [0, 0, 0, 0]), "Maybe"),
      (npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", [0, 0, 0, 0]), "duplicate"),
      (npy("(((((((((((((((((((((((((((((((("), "deeply"),
      (npy("{'descr': '<f4', 'fortran_order': False, 'shape': 5}", [0, 0, 0, 0]), "tuple"),
    ]
    for (data, mention) in cases {
      assertFormatError(try NpyFile.decode(data, source: "bad.npy"), path: "bad.npy", mentions: [mention])
    }
    var lengthPastEnd = npy("{}")
    lengthPastEnd[8] = 0xFF
    assertFormatError(try NpyFile.decode(lengthPastEnd, source: "bad.npy"), path: "bad.npy", mentions: ["past the end"])
  }

  func testEveryTruncationThrows() {
    let data = NpyFile.encode(RawTensor([1, 2, 3] as [Double], shape: [3]))
    for length in 0..<data.count {
      assertFormatError(try NpyFile.decode(data.prefix(length), source: "cut.npy"), path: "cut.npy")
    }
  }
}
