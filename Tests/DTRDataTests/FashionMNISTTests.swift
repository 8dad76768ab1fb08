import DTRData
import DTRTestSupport
import Foundation
import XCTest

final class FashionMNISTTests: XCTestCase {
  /// The installed data set's directory, or a skip if it is not installed.
  func installed() throws -> String {
    let dir = FashionMNIST.defaultDirectory
    guard FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz") else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    return dir
  }

  func testTrainingSplitHas6000ImagesPerClass() throws {
    _ = try installed()
    let start = Date()
    let train = try FashionMNIST.load(split: .train)
    print("loaded the Fashion-MNIST training set in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
    XCTAssertEqual(train.count, 60_000)
    XCTAssertEqual([train.height, train.width], [28, 28])
    XCTAssertEqual(train.pixels.count, 60_000 * 784)
    var perClass = [Int](repeating: 0, count: 10)
    for label in train.labels { perClass[Int(label)] += 1 }
    XCTAssertEqual(perClass, [Int](repeating: 6_000, count: 10))
    XCTAssertEqual(train.meanPixel, 72.94 / 255, accuracy: 0.002)
  }

  func testTestSplitAndUncompressedFallback() throws {
    let dir = try installed()
    let test = try FashionMNIST.load(split: .test)
    XCTAssertEqual(test.count, 10_000)
    XCTAssertTrue(test.labels.allSatisfy { $0 <= 9 })
    XCTAssertEqual(FashionMNIST.classNames.count, 10)
    XCTAssertEqual(FashionMNIST.classNames[9], "Ankle boot")

    let raw = TemporaryDirectory()
    defer { raw.cleanUp() }
    let script = """
      import gzip, shutil, sys
      for name in ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']:
          with gzip.open(sys.argv[1] + '/' + name + '.gz') as src, open(sys.argv[2] + '/' + name, 'wb') as dst:
              shutil.copyfileobj(src, dst)
      """
    guard try runPython(script, [dir, raw.path]) != nil else { throw XCTSkip("python3 not available") }
    let fromRaw = try FashionMNIST.load(split: .test, directory: raw.path)
    XCTAssertEqual(fromRaw.pixels, test.pixels)
    XCTAssertEqual(fromRaw.labels, test.labels)
  }

  func testMissingDataNamesTheFix() throws {
    let missing = "/nonexistent/fashion-mnist"
    assertDataError(try FashionMNIST.load(split: .train, directory: missing), path: missing,
                    mentions: ["apt-get install dataset-fashion-mnist", "--data-dir DIR"])
    let empty = TemporaryDirectory()
    defer { empty.cleanUp() }
    assertDataError(try FashionMNIST.load(split: .test, directory: empty.path),
                    path: empty.file("t10k-images-idx3-ubyte.gz"), mentions: ["not found", "apt-get install dataset-fashion-mnist"])
    // A corrupt file also carries the fix.
    try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: empty.file("t10k-images-idx3-ubyte")))
    assertDataError(try FashionMNIST.load(split: .test, directory: empty.path),
                    path: empty.file("t10k-images-idx3-ubyte"), mentions: ["magic", "--data-dir"])
  }
}
