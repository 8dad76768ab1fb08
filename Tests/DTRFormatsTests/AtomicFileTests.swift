import DTRFormats
import DTRTestSupport
import Foundation
import XCTest

final class AtomicFileTests: XCTestCase {
  var dir: TemporaryDirectory!
  override func setUp() { dir = TemporaryDirectory() }
  override func tearDown() { dir.cleanUp() }

  func testWritesAndReplacesLeavingNoTemporaryFile() throws {
    let path = dir.file("out.bin")
    try AtomicFile.write([UInt8](repeating: 1, count: 10), to: path)
    XCTAssertEqual(FileManager.default.contents(atPath: path), Data(repeating: 1, count: 10))
    try AtomicFile.write(Data("new".utf8), to: path)
    XCTAssertEqual(FileManager.default.contents(atPath: path), Data("new".utf8))
    try AtomicFile.write(Data(), to: path)
    XCTAssertEqual(FileManager.default.contents(atPath: path), Data())
    XCTAssertEqual(dir.listing(), ["out.bin"])
  }

  func testFailureLeavesTargetAndNoTemporaryFile() throws {
    assertFormatError(try AtomicFile.write([1, 2, 3], to: dir.file("missing/out.bin")), path: dir.file("missing/out.bin"),
                      mentions: ["temporary"])
    // Renaming a file over a non-empty directory fails after the data was written.
    try FileManager.default.createDirectory(atPath: dir.file("target/sub"), withIntermediateDirectories: true)
    assertFormatError(try AtomicFile.write([1, 2, 3], to: dir.file("target")), path: dir.file("target"), mentions: ["rename"])
    XCTAssertEqual(dir.listing(), ["target"])
  }

  func testConcurrentReaderSeesOnlyWholeVersions() throws {
    let path = dir.file("big.bin")
    let size = 1 << 20
    try AtomicFile.write([UInt8](repeating: 0xAA, count: size), to: path)
    let done = DispatchSemaphore(value: 0)
    let writer = WriterOutcome()
    Thread {
      for i in 0..<30 {
        do {
          try AtomicFile.write([UInt8](repeating: i % 2 == 0 ? 0xBB : 0xAA, count: size), to: path)
        } catch {
          writer.error = "\(error)"
        }
      }
      done.signal()
    }.start()
    var reads = 0
    while done.wait(timeout: .now()) == .timedOut {
      let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
      XCTAssertEqual(data.count, size)
      XCTAssertTrue(data.first == data.last && (data.first == 0xAA || data.first == 0xBB))
      XCTAssertTrue(data.allSatisfy { $0 == data.first })
      reads += 1
    }
    XCTAssertNil(writer.error)
    XCTAssertGreaterThan(reads, 0)
    XCTAssertEqual(dir.listing(), ["big.bin"])
  }
}

/// What the writer thread reports; read only after its completion is signalled.
private final class WriterOutcome: @unchecked Sendable {
  var error: String?
}
