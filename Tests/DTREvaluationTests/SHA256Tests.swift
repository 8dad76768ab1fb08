import DTREvaluation
import XCTest

final class SHA256Tests: XCTestCase {
  func testDigestsMatchFIPSExamples() {
    // FIPS 180-4 examples (one-block "abc", two-block 448-bit message) and the empty message.
    XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  func testPaddingBoundariesAgainstHashlib() {
    // Messages (7i + 3) mod 256 of lengths around the 56- and 64-byte padding boundaries; digests from
    // Python's hashlib.sha256.
    let expected = [
      55: "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b",
      56: "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27",
      63: "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055",
      64: "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241",
      65: "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e",
      1000: "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371",
    ]
    for (length, digest) in expected {
      let message = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
      XCTAssertEqual(SHA256.hex(message), digest, "length \(length)")
    }
  }
}
