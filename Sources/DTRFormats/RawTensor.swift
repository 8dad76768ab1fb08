import DTREngine

/// An n-dimensional array as the tensor file formats store it: element type, shape (C order) and
/// the elements' little-endian bytes.
public struct RawTensor: Equatable, Sendable {
  /// The type of each element.
  public let elementType: ElementType
  /// The dimensions, outermost first; empty for a scalar.
  public let shape: [Int]
  /// The elements' bytes, `elementCount × elementType.byteSize` of them.
  public let bytes: [UInt8]

  /// A tensor from raw bytes; `bytes.count` must match the shape and type exactly.
  public init(elementType: ElementType, shape: [Int], bytes: [UInt8]) {
    precondition(Shape.byteCount(shape, elementType) == bytes.count,
                 "\(bytes.count) bytes for \(elementType) shape \(shape)")
    self.elementType = elementType
    self.shape = shape
    self.bytes = bytes
  }

  /// A tensor holding `values` with the given shape (whose element count must be `values.count`).
  public init<T: TensorElement>(_ values: [T], shape: [Int]) {
    self.init(elementType: T.elementType, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
  }

  /// A float32 tensor holding the current contents and shape of `tensor`.
  public init(_ tensor: Tensor) {
    self.init(elementType: .float32, shape: tensor.shape,
              bytes: Array(UnsafeRawBufferPointer(start: tensor.data, count: tensor.count * 4)))
  }

  /// The number of elements.
  public var elementCount: Int { bytes.count / elementType.byteSize }

  /// The elements as `T`, or nil if the element type is not `T`'s.
  public func values<T: TensorElement>(as type: T.Type) -> [T]? {
    guard elementType == T.elementType else { return nil }
    return [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
      bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
      initialized = elementCount
    }
  }

  /// A new `Tensor` with this shape and contents, or nil unless the elements are float32.
  public func tensor() -> Tensor? {
    guard elementType == .float32 else { return nil }
    let t = Tensor(shape)
    copyFloats(into: t)
    return t
  }

  /// Copies float32 contents into `tensor`, reshaping it; returns false (copying nothing) if the
  /// elements are not float32 or do not fit the tensor's capacity.
  public func copy(into tensor: Tensor) -> Bool {
    guard elementType == .float32, elementCount <= tensor.capacity else { return false }
    tensor.reshape(shape)
    copyFloats(into: tensor)
    return true
  }

  /// Copies the bytes into `tensor`'s storage (caller checked type and size).
  private func copyFloats(into tensor: Tensor) {
    bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: tensor.data, count: $0.count).copyMemory(from: $0) }
  }

  /// The elements as `T`, or a ``FormatError`` about `path` naming `what` if the type differs.
  func values<T: TensorElement>(as type: T.Type, path: String, what: String) throws -> [T] {
    guard let v = values(as: type) else { throw typeMismatch(T.elementType, path: path, what: what) }
    return v
  }

  /// The error for reading `what` as `expected` when it holds another element type.
  func typeMismatch(_ expected: ElementType, path: String, what: String) -> FormatError {
    FormatError(path, "\(what) holds \(elementType) \(shape) elements, not \(expected)")
  }
}
