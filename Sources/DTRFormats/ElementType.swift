#if _endian(big)
#error("DTRFormats stores tensors little-endian and assumes a little-endian host")
#endif

/// The element types that the tensor file formats (safetensors, `.npy`) can hold.
public enum ElementType: String, CaseIterable, Sendable {
  case float32, float64, int64, int32, uint8

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .float32, .int32: 4
    case .float64, .int64: 8
    case .uint8: 1
    }
  }

  /// The safetensors `dtype` string (`F32`, `F64`, `I64`, `I32`, `U8`).
  public var safetensorsName: String {
    switch self {
    case .float32: "F32"
    case .float64: "F64"
    case .int64: "I64"
    case .int32: "I32"
    case .uint8: "U8"
    }
  }

  /// The element type for a safetensors `dtype` string, or nil if unsupported.
  public init?(safetensorsName: String) {
    guard let type = Self.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
    self = type
  }

  /// The NumPy type code without its byte-order character (`f4`, `f8`, `i8`, `i4`, `u1`).
  var numpyCode: String {
    switch self {
    case .float32: "f4"
    case .float64: "f8"
    case .int64: "i8"
    case .int32: "i4"
    case .uint8: "u1"
    }
  }

  /// The little-endian NumPy `descr` string (`<f4`, `<f8`, `<i8`, `<i4`, `|u1`).
  public var numpyDescr: String { (byteSize == 1 ? "|" : "<") + numpyCode }
}

/// A Swift scalar type stored in tensor files, with its ``ElementType``.
public protocol TensorElement: Sendable {
  /// The file element type that holds values of this Swift type.
  static var elementType: ElementType { get }
}

extension Float: TensorElement { public static var elementType: ElementType { .float32 } }
extension Double: TensorElement { public static var elementType: ElementType { .float64 } }
extension Int64: TensorElement { public static var elementType: ElementType { .int64 } }
extension Int32: TensorElement { public static var elementType: ElementType { .int32 } }
extension UInt8: TensorElement { public static var elementType: ElementType { .uint8 } }

/// Shape arithmetic shared by the tensor formats.
enum Shape {
  /// The number of elements of `shape`, or nil if a dimension is negative or the product overflows.
  static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }

  /// The byte size of a `shape` array of `type`, or nil if invalid or overflowing.
  static func byteCount(_ shape: [Int], _ type: ElementType) -> Int? {
    guard let count = elementCount(shape) else { return nil }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
    return overflow ? nil : bytes
  }
}
