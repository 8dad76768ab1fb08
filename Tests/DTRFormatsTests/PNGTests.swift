import DTREngine
import DTRFormats
import DTRTestSupport
import Foundation
import XCTest

final class PNGTests: XCTestCase {
  var dir: TemporaryDirectory!
  override func setUp() { dir = TemporaryDirectory() }
  override func tearDown() { dir.cleanUp() }

  /// Test images: noise and a smooth gradient, grey and RGB, including a 1×1 image.
  func sampleImages() -> [PNGImage] {
    var images: [PNGImage] = []
    for (w, h) in [(1, 1), (7, 5), (33, 17)] {
      for type in [PNGImage.ColorType.grey, .rgb] {
        let n = w * h * type.channels
        images.append(PNGImage(width: w, height: h, colorType: type, pixels: testBytes(n, seed: UInt64(n))))
        images.append(PNGImage(width: w, height: h, colorType: type, pixels: (0..<n).map { UInt8(($0 * 3 + $0 / w) % 256) }))
      }
    }
    return images
  }

  /// Every filter choice.
  let filters: [PNGFilterChoice] = [.adaptive] + PNGRowFilter.allCases.map { .always($0) }

  func testRoundTripWithEveryFilter() throws {
    for image in sampleImages() {
      for filter in filters {
        XCTAssertEqual(try PNGImage(decoding: image.encoded(filter: filter)), image, "\(image.width)×\(image.height) \(filter)")
      }
    }
    let path = dir.file("image.png")
    let image = sampleImages()[3]
    try image.write(to: path)
    XCTAssertEqual(try PNGImage.read(from: path), image)
    XCTAssertEqual(dir.listing(), ["image.png"])
  }

  /// A Python PNG decoder using only zlib and struct: checks chunk CRCs, undoes all five filters and
  /// prints `width height colour-type hex-pixels` per file argument.
  let pythonDecoder = """
    import struct, sys, zlib
    def paeth(a, b, c):
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        return a if pa <= pb and pa <= pc else (b if pb <= pc else c)
    for path in sys.argv[1:]:
        raw = open(path, 'rb').read()
        assert raw[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while True:
            n, kind = struct.unpack('>I4s', raw[pos:pos + 8])
            body = raw[pos + 8:pos + 8 + n]
            assert struct.unpack('>I', raw[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
            pos += 12 + n
            if kind == b'IHDR':
                w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            elif kind == b'IDAT':
                idat += body
            elif kind == b'IEND':
                break
        bpp = 1 if ctype == 0 else 3
        stride = w * bpp
        data = zlib.decompress(idat)
        prev, out = bytearray(stride), bytearray()
        for y in range(h):
            f, row = data[y * (stride + 1)], bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
                row[i] = (row[i] + pred) & 255
            out += row
            prev = row
        print(w, h, ctype, out.hex())
    """

  func testIndependentPythonDecoderAgrees() throws {
    var paths: [String] = [], expected: [String] = []
    for (i, image) in sampleImages().enumerated() {
      for (j, filter) in filters.enumerated() {
        let path = dir.file("\(i)-\(j).png")
        try AtomicFile.write(image.encoded(filter: filter), to: path)
        paths.append(path)
        let hex = image.pixels.map { String(format: "%02x", $0) }.joined()
        expected.append("\(image.width) \(image.height) \(image.colorType.rawValue) \(hex)")
      }
    }
    guard let output = try runPython(pythonDecoder, paths) else { throw XCTSkip("python3 not available") }
    XCTAssertEqual(output.split(separator: "\n").map(String.init), expected)
  }

  func testReadsPythonWrittenFilesWithAllFiltersAndExtraChunks() throws {
    // Rows use filters 0,1,2,3,4 in turn; IDAT is split in two and a tEXt chunk precedes it.
    let script = """
      import struct, sys, zlib
      def chunk(kind, body):
          return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
      def paeth(a, b, c):
          p = a + b - c
          pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
          return a if pa <= pb and pa <= pc else (b if pb <= pc else c)
      w, h, bpp, ctype = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
      stride = w * bpp
      px = [[(x * 37 + y * 101 + (x * y) % 7) % 256 for x in range(stride)] for y in range(h)]
      raw, prev = bytearray(), [0] * stride
      for y in range(h):
          f = y % 5
          raw.append(f)
          for i in range(stride):
              a = px[y][i - bpp] if i >= bpp else 0
              b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
              raw.append((px[y][i] - [0, a, b, (a + b) // 2, paeth(a, b, c)][f]) & 255)
          prev = px[y]
      z = zlib.compress(bytes(raw), 9)
      out = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, ctype, 0, 0, 0))
      out += chunk(b'tEXt', b'Comment\\x00made by python') + chunk(b'IDAT', z[:5]) + chunk(b'IDAT', z[5:]) + chunk(b'IEND', b'')
      open(sys.argv[1], 'wb').write(out)
      """
    for (w, h, type) in [(9, 11, PNGImage.ColorType.grey), (6, 10, .rgb)] {
      let path = dir.file("py.png")
      guard try runPython(script, [path, "\(w)", "\(h)", "\(type.channels)", "\(type.rawValue)"]) != nil else {
        throw XCTSkip("python3 not available")
      }
      let image = try PNGImage.read(from: path)
      let stride = w * type.channels
      var expected: [UInt8] = []
      for y in 0..<h {
        for x in 0..<stride { expected.append(UInt8((x * 37 + y * 101 + (x * y) % 7) % 256)) }
      }
      XCTAssertEqual(image, PNGImage(width: w, height: h, colorType: type, pixels: expected))
    }
  }

  /// `png` with its IHDR data replaced by `ihdr` (and the CRC fixed).
  func withHeader(_ png: Data, _ edit: (inout [UInt8]) -> Void) -> Data {
    var bytes = [UInt8](png)
    var body = Array(bytes[12..<29])
    edit(&body)
    bytes.replaceSubrange(12..<29, with: body)
    bytes.replaceSubrange(29..<33, with: bigEndian(crc32(body)))
    return Data(bytes)
  }

  func testMalformedFilesThrow() throws {
    let png = try sampleImages()[5].encoded()
    for length in 0..<png.count {
      assertFormatError(try PNGImage(decoding: png.prefix(length), source: "cut.png"), path: "cut.png")
    }
    var badSignature = png
    badSignature[1] = 0
    assertFormatError(try PNGImage(decoding: badSignature, source: "x.png"), path: "x.png", mentions: ["signature"])
    var badCRC = png
    badCRC[png.count - 20] ^= 0x40  // inside IDAT
    assertFormatError(try PNGImage(decoding: badCRC, source: "x.png"), path: "x.png", mentions: ["CRC"])
    let headerEdits: [((inout [UInt8]) -> Void, String)] = [
      ({ $0[16] = 1 }, "interlaced"),
      ({ $0[12] = 16 }, "bit depth 16"),
      ({ $0[13] = 3 }, "colour type 3"),
      ({ $0[13] = 6 }, "colour type 6"),
      ({ $0[7] = 0 }, "empty"),
      ({ $0[7] = 200; $0[11] = 200 }, "inflate"),
      ({ $0[4...7] = [0x7F, 0xFF, 0xFF, 0xFF]; $0[8...11] = [0x7F, 0xFF, 0xFF, 0xFF] }, "too large"),
      ({ $0[0...3] = ArraySlice("ABCD".utf8) }, "expected IHDR"),
    ]
    for (edit, mention) in headerEdits {
      assertFormatError(try PNGImage(decoding: withHeader(png, edit), source: "x.png"), path: "x.png", mentions: [mention])
    }
    let image = PNGImage(width: 2, height: 1, colorType: .grey, pixels: [1, 2])
    var badFilter = [UInt8](try image.encoded(filter: .always(.none), compressionLevel: 0))
    // Level 0 stores the scanline verbatim; patch its filter byte to 7 and fix the zlib Adler-32 and chunk CRC.
    let idat = 33 + 8
    XCTAssertEqual(Array(badFilter[(idat + 7)..<(idat + 10)]), [0, 1, 2])
    badFilter[idat + 7] = 7
    let a: UInt32 = 1 + 7 + 1 + 2  // Adler-32 sums over the bytes 7, 1, 2
    let b: UInt32 = 8 + 9 + 11
    badFilter.replaceSubrange((idat + 10)..<(idat + 14), with: bigEndian(b << 16 | a))
    badFilter.replaceSubrange((idat + 14)..<(idat + 18), with: bigEndian(crc32(badFilter[(idat - 4)..<(idat + 14)])))
    assertFormatError(try PNGImage(decoding: Data(badFilter), source: "x.png"), path: "x.png", mentions: ["filter type 7"])
    assertFormatError(try PNGImage.read(from: dir.file("none.png")), path: dir.file("none.png"), mentions: ["no such file"])
  }

  func testImageGridLayoutMappingAndGutter() throws {
    // Three 2×2 images in a 2×2 grid with a 1-pixel gutter: a 7×7 output, the fourth cell empty.
    let values: [Float] = [-1, 0, 1, 2, /**/ 0.5, -0.5, .nan, -3, /**/ 1, 1, 1, 1]
    let tensor = Tensor([3, 1, 2, 2], values)
    let grid = ImageGrid(rows: 2, columns: 2, gutter: 1, gutterColor: .grey(40))
    let image = grid.render(tensor)
    XCTAssertEqual(image.colorType, .grey)
    XCTAssertEqual([image.width, image.height], [7, 7])
    let g: UInt8 = 40
    XCTAssertEqual(image.pixels, [
      g, g, g, g, g, g, g,
      g, 0, 128, g, 191, 64, g,
      g, 255, 255, g, 0, 0, g,
      g, g, g, g, g, g, g,
      g, 255, 255, g, g, g, g,
      g, 255, 255, g, g, g, g,
      g, g, g, g, g, g, g,
    ])
    let zeroToOne = ImageGrid(rows: 1, columns: 1, gutter: 0, range: .zeroToOne).render(Tensor([1, 1, 3], [0, 0.5, 1]))
    XCTAssertEqual(zeroToOne.pixels, [0, 128, 255])

    let red = ImageGrid(rows: 1, columns: 2, gutter: 1, gutterColor: ImageGrid.Color(r: 255, g: 0, b: 0))
    let path = dir.file("grid.png")
    try red.write(Tensor([1, 1, 1], [1]), to: path)
    let rgb = try PNGImage.read(from: path)
    XCTAssertEqual([rgb.width, rgb.height], [5, 3])
    XCTAssertEqual(rgb.colorType, .rgb)
    let pixel = { (x: Int, y: Int) in Array(rgb.pixels[(3 * (y * 5 + x))..<(3 * (y * 5 + x) + 3)]) }
    XCTAssertEqual(pixel(0, 0), [255, 0, 0])
    XCTAssertEqual(pixel(1, 1), [255, 255, 255])
    XCTAssertEqual(pixel(3, 1), [255, 0, 0], "empty cell takes the gutter colour")
  }
}
