import Foundation

/// Reading whole files and little-endian integers for the format readers.
enum FileBytes {
  /// The contents of the file at `path`, or a ``FormatError`` saying why it cannot be read.
  static func read(_ path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FormatError(path, "no such file")
    }
    guard !isDirectory.boolValue else { throw FormatError(path, "is a directory, not a file") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw FormatError(path, "cannot read: \(error.localizedDescription)")
    }
  }
}

extension UnsafeRawBufferPointer {
  /// The little-endian integer of type `T` starting at byte `offset` (which the caller bounds-checked).
  func littleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
    T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  /// The big-endian integer of type `T` starting at byte `offset` (which the caller bounds-checked).
  func bigEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
    T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }
}

extension Data {
  /// Appends `value` as little-endian bytes.
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }

  /// Appends `value` as big-endian bytes.
  mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
  }
}
