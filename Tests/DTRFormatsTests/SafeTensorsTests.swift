import DTREngine
import DTRFormats
import DTRTestSupport
import Foundation
import XCTest

final class SafeTensorsTests: XCTestCase {
  var dir: TemporaryDirectory!
  override func setUp() { dir = TemporaryDirectory() }
  override func tearDown() { dir.cleanUp() }

  /// A file holding every supported dtype, an empty tensor, a scalar and awkward metadata.
  func sampleFile() -> SafeTensorsFile {
    var file = SafeTensorsFile(metadata: ["format": "pt", "note": "quotes \" back\\slash\nnewline é 日本"])
    file.add("weight", [Float](arrayLiteral: 1.5, -2, 3.25, .infinity, -0.0, 6), shape: [2, 3])
    file.add("doubles", [Double](arrayLiteral: .pi, -1e300, 0, 42), shape: [4])
    file.add("step", [Int64](arrayLiteral: Int64.min, -1, 0, Int64.max), shape: [2, 1, 2])
    file.add("ints", [Int32](arrayLiteral: 7, -8), shape: [2])
    file.add("bytes", [UInt8](arrayLiteral: 0, 255, 3), shape: [3])
    file.add("empty", [Float](), shape: [0, 3])
    file.add("scalar", [Double](arrayLiteral: 2.5), shape: [])
    file.add("tensor", Tensor([2, 2], [1, 2, 3, 4]))
    return file
  }

  func testRoundTripAllDtypesMetadataEmptyAndScalar() throws {
    let path = dir.file("model.safetensors")
    let original = sampleFile()
    try original.write(to: path)
    let read = try SafeTensorsFile.read(from: path)
    XCTAssertEqual(read.entries, original.entries)
    XCTAssertEqual(read.names, ["weight", "doubles", "step", "ints", "bytes", "empty", "scalar", "tensor"])
    XCTAssertEqual(read.metadata, original.metadata)
    XCTAssertEqual(read.source, path)
    XCTAssertEqual(try read.values("doubles", as: Double.self), [.pi, -1e300, 0, 42])
    XCTAssertEqual(try read.values("step", as: Int64.self), [Int64.min, -1, 0, Int64.max])
    XCTAssertEqual(try read.values("scalar", as: Double.self), [2.5])
    XCTAssertEqual(read["scalar"]?.shape, [])
    XCTAssertEqual(read["empty"]?.shape, [0, 3])
    let weight = try read.tensor("weight")
    XCTAssertEqual(weight.shape, [2, 3])
    XCTAssertEqual(weight.toArray().map(\.bitPattern), [Float](arrayLiteral: 1.5, -2, 3.25, .infinity, -0.0, 6).map(\.bitPattern))
    let target = Tensor([2, 2])
    try read.copy("tensor", into: target)
    XCTAssertEqual(target.toArray(), [1, 2, 3, 4])
    XCTAssertEqual(dir.listing(), ["model.safetensors"])
  }

  func testLayoutIsAlignedAndReadableByAnIndependentParser() throws {
    let path = dir.file("model.safetensors")
    try sampleFile().write(to: path)
    let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
    let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    XCTAssertEqual((8 + headerLength) % 8, 0)
    let script = """
      import json, struct, sys
      raw = open(sys.argv[1], 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      meta = header.pop('__metadata__')
      data = raw[8 + n:]
      b, e = header['doubles']['data_offsets']
      print(meta['format'], sorted(header, key=lambda k: header[k]['data_offsets']) == list(header),
            header['step']['dtype'], header['step']['shape'], struct.unpack('<4d', data[b:e])[1])
      """
    guard let output = try runPython(script, [path]) else { throw XCTSkip("python3 not available") }
    XCTAssertEqual(output, "pt True I64 [2, 1, 2] -1e+300")
  }

  func testAccessorErrorsNameFileAndTensor() throws {
    let path = dir.file("m.safetensors")
    try sampleFile().write(to: path)
    let file = try SafeTensorsFile.read(from: path)
    assertFormatError(try file.values("nope", as: Float.self), path: path, mentions: ["nope"])
    assertFormatError(try file.values("doubles", as: Float.self), path: path, mentions: ["doubles", "float64"])
    assertFormatError(try file.tensor("step"), path: path, mentions: ["step"])
    assertFormatError(try file.copy("tensor", into: Tensor([4])), path: path, mentions: ["shape"])
    assertFormatError(try SafeTensorsFile.read(from: dir.file("absent")), path: dir.file("absent"), mentions: ["no such file"])
  }

  func testEveryTruncationThrows() throws {
    let data = sampleFile().encoded()
    for length in 0..<data.count {
      assertFormatError(try SafeTensorsFile(decoding: data.prefix(length), source: "cut"), path: "cut")
    }
  }

  /// A safetensors file with header `json` and `dataLength` zero bytes of data.
  func blob(_ json: String, dataLength: Int) -> Data {
    var out = Data()
    withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: json.utf8)
    out.append(Data(count: dataLength))
    return out
  }

  func testMalformedHeadersThrowDescriptiveErrors() {
    let cases: [(String, Int, String)] = [
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, 8, "header"),
      ("not json at all", 0, "header"),
      (#"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, 4, "BF16"),
      (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, 8, "negative"),
      (#"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, 8, "header"),
      (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "needs 12"),
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4, "outside"),
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8, "outside"),
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, 8, "data_offsets"),
      (#"{"a":{"dtype":"F32","shape":[2]}}"#, 8, "data_offsets"),
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
       8, "overlaps"),
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "gap"),
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8, "cover"),
      (#"{"__metadata__":{"k":3}}"#, 0, "header"),
      (#"{"a":{"dtype":"F32","shape":[9999999999,9999999999],"data_offsets":[0,8]}}"#, 8, "memory"),
    ]
    for (json, length, mention) in cases {
      assertFormatError(try SafeTensorsFile(decoding: blob(json, dataLength: length), source: "bad.st"),
                        path: "bad.st", mentions: [mention])
    }
    var huge = blob("{}", dataLength: 0)
    huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    assertFormatError(try SafeTensorsFile(decoding: huge, source: "bad.st"), path: "bad.st", mentions: ["past the end"])
  }

  func testCorruptedHeaderBytesNeverCrashAndFailWithAFormatError() {
    let data = sampleFile().encoded()
    let headerEnd = 8 + data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    var rejected = 0
    for (i, position) in stride(from: 8, to: headerEnd, by: 3).enumerated() {
      var corrupt = data
      corrupt[position] = [UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "9"), 0xFF][i % 4]
      // Some corruptions stay valid (a digit inside a metadata string); none may crash.
      do {
        _ = try SafeTensorsFile(decoding: corrupt, source: "c")
      } catch {
        XCTAssertTrue(error is FormatError, "byte \(position): \(error)")
        rejected += 1
      }
    }
    XCTAssertGreaterThan(rejected, 0, "no corruption was rejected")
  }
}
