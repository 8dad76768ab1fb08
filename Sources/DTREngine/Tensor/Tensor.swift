/// A contiguous, 64-byte-aligned float32 buffer with a shape.
///
/// Tensors are reference types: layers allocate their activation and gradient buffers once and reuse
/// them every step, so the training loop does no heap allocation in steady state. The shape may be
/// changed in place (``reshape(_:)``) as long as the element count fits the allocated capacity, which is
/// how a buffer sized for the largest batch serves a smaller one.
public final class Tensor: @unchecked Sendable {
  /// The dimensions, outermost first (row-major, C order).
  public private(set) var shape: [Int]
  /// Number of floats the storage can hold.
  public let capacity: Int
  /// The storage. Valid for `capacity` floats for the lifetime of the tensor.
  public let data: UnsafeMutablePointer<Float>

  /// Number of elements described by ``shape``.
  public var count: Int { shape.reduce(1, *) }

  /// A zero-filled tensor of the given shape.
  public init(_ shape: [Int]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    self.shape = shape
    self.capacity = shape.reduce(1, *)
    let bytes = max(64, ((capacity * 4 + 63) / 64) * 64)
    var raw: UnsafeMutableRawPointer?
    let status = posix_memalign(&raw, 64, bytes)  // outside precondition: its side effect must always run
    precondition(status == 0 && raw != nil, "out of memory allocating \(bytes) bytes")
    data = raw!.bindMemory(to: Float.self, capacity: max(capacity, 16))
    data.initialize(repeating: 0, count: capacity)
  }

  /// A tensor holding a copy of `values`.
  public convenience init(_ shape: [Int], _ values: [Float]) {
    self.init(shape)
    precondition(values.count == capacity, "\(values.count) values for shape \(shape)")
    values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: capacity) }
  }

  deinit { free(data) }

  /// Changes the shape without touching the data; the new element count must fit the capacity.
  public func reshape(_ newShape: [Int]) {
    precondition(newShape.reduce(1, *) <= capacity, "shape \(newShape) exceeds capacity \(capacity)")
    shape = newShape
  }

  /// Sets every element of the current shape to zero.
  public func zero() { data.update(repeating: 0, count: count) }

  /// Copies the contents (and shape) of `other`, which must fit this tensor's capacity.
  public func copy(from other: Tensor) {
    reshape(other.shape)
    data.update(from: other.data, count: other.count)
  }

  /// Element access by flat index (not for hot loops).
  public subscript(i: Int) -> Float {
    get { data[i] }
    set { data[i] = newValue }
  }

  /// The current contents as an array (not for hot loops).
  public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

  /// A new tensor with the same shape and contents.
  public func clone() -> Tensor {
    let t = Tensor(shape)
    t.data.update(from: data, count: count)
    return t
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
