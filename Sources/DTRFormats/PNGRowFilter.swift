/// The five PNG row filter types (filter method 0).
public enum PNGRowFilter: UInt8, CaseIterable, Sendable {
  case none = 0, sub, up, average, paeth

  /// Writes the filtered bytes of `row` into `out`. `previous` is the row above (all zeros for the
  /// first row) and `bpp` the bytes per pixel; all three buffers hold `count` bytes.
  func apply(row: UnsafePointer<UInt8>, previous: UnsafePointer<UInt8>, bpp: Int, count: Int,
             into out: UnsafeMutablePointer<UInt8>) {
    for i in 0..<count {
      let a = i >= bpp ? row[i - bpp] : 0
      out[i] = row[i] &- predictor(a: a, b: previous[i], c: i >= bpp ? previous[i - bpp] : 0)
    }
  }

  /// Undoes the filter in place on `row` (whose left neighbours are already reconstructed as it goes).
  func undo(row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, bpp: Int, count: Int) {
    for i in 0..<count {
      let a = i >= bpp ? row[i - bpp] : 0
      row[i] = row[i] &+ predictor(a: a, b: previous[i], c: i >= bpp ? previous[i - bpp] : 0)
    }
  }

  /// The value this filter predicts from the left (`a`), upper (`b`) and upper-left (`c`) bytes.
  @inline(__always)
  private func predictor(a: UInt8, b: UInt8, c: UInt8) -> UInt8 {
    switch self {
    case .none: return 0
    case .sub: return a
    case .up: return b
    case .average: return UInt8((Int(a) + Int(b)) / 2)
    case .paeth:
      let p = Int(a) + Int(b) - Int(c)
      let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
      return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
    }
  }
}

/// How the PNG writer filters each row before compression.
public enum PNGFilterChoice: Sendable {
  /// Per row, the filter whose output has the smallest sum of absolute (signed) values — the usual
  /// heuristic; best for photos and smooth images.
  case adaptive
  /// The same filter for every row.
  case always(PNGRowFilter)
}
