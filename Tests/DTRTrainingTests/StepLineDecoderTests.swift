import DTREngine
import DTRTraining
import Foundation
import XCTest

/// The codec's fast path for `step` lines gives what `JSONDecoder` gives, and leaves every other line to it.
final class StepLineDecoderTests: XCTestCase {
  /// What `JSONDecoder` makes of a step line, independently of the codec.
  func decodedByJSONDecoder(_ line: String) throws -> TrainingEvent {
    struct Header: Decodable { var time: Double?, step: Int? }
    let data = Data(line.utf8)
    let header = try JSONDecoder().decode(Header.self, from: data)
    let metrics = try JSONDecoder().decode(StepMetrics.self, from: data)
    return TrainingEvent(.step(metrics), step: header.step ?? 0, time: header.time ?? 0)
  }

  /// Encoded step lines with doubles of every magnitude (exponents, subnormals, integral, negative), empty
  /// buckets and absent values decode to the same values both ways (both parse correctly rounded).
  func testEncodedStepLinesDecodeLikeJSONDecoder() throws {
    var rng = SplitMix64(seed: 5)
    func value() -> Double? {
      switch rng.nextInt(8) {
      case 0: return nil
      case 1: return Double(rng.nextInt(1000))
      case 2: return -rng.nextDouble() * 1e-300
      case 3: return rng.nextDouble() * pow(10, Double(rng.nextInt(40)) - 20)
      case 4: return Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      default: return rng.nextDouble()
      }
    }
    for i in 0..<3_000 {
      let m = StepMetrics(epoch: rng.nextInt(1000) + 1, loss: value(), lr: value(), gradNorm: value(), imgPerS: value(),
                          bucketLoss: (0..<rng.nextInt(12)).map { _ in value() })
      let e = TrainingEvent(.step(m), step: i * 997, time: 1.8e9 + rng.nextDouble())
      let line = EventCodec.encode(e)
      let decoded = EventCodec.decode(Substring(line))
      XCTAssertEqual(decoded, e, line)
      XCTAssertEqual(decoded, try decodedByJSONDecoder(line), line)
    }
  }

  /// Lines the fast path does not take (whitespace, other key orders, unknown or repeated keys, nulls in
  /// the header, numbers JSON forbids, a locale-style comma) mean what `JSONDecoder` says they mean.
  func testOtherLinesMeanWhatJSONDecoderSays() throws {
    let valid = [
      #"{"type":"step", "time":1,"step":2,"loss":0.5}"#,
      #"{"type":"step","step":2,"time":1,"epoch":3,"loss":0.5}"#,
      #"{"type":"step","time":1,"step":2,"loss":0.5,"colour":"blue"}"#,
      #"{"type":"step","time":null,"step":2,"loss":null,"bucket_loss":[null,1e-3,2E+2]}"#,
      #"{"type":"step","time":1,"step":2,"bucket_loss":[]}"#,
      #"{"type":"step","time":1,"step":2,"loss":-0.0}"#,
      #"{"type":"step","time":1,"step":2,"loss":0.5}   "#,
    ]
    for line in valid {
      XCTAssertEqual(EventCodec.decode(Substring(line)), try decodedByJSONDecoder(line), line)
    }
    let invalid = [
      #"{"type":"step","time":1,"step":02,"loss":0.5}"#,
      #"{"type":"step","time":1,"step":2,"loss":.5}"#,
      #"{"type":"step","time":1,"step":2,"loss":1.}"#,
      #"{"type":"step","time":1,"step":2,"loss":0,5}"#,
      #"{"type":"step","time":1,"step":2.5,"loss":0.5}"#,
      #"{"type":"step","time":1,"step":2,"loss":0.5"#,
      #"{"type":"step","time":1,"step":2,"epoch":"x"}"#,
      #"{"type":"step","time":1,"step":2,"bucket_loss":[1,]}"#,
    ]
    for line in invalid {
      let json = try? decodedByJSONDecoder(line)
      XCTAssertEqual(EventCodec.decode(Substring(line)), json, line)
    }
  }
}
