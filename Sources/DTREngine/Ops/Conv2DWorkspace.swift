import CDNNL

/// State for ``Conv2DOp``: one ``Conv2DLane`` (oneDNN stream, primitives, scratch) per engine worker.
/// Steady-state calls allocate nothing but oneDNN's small memory handles. One workspace may serve any
/// number of convolutions that run one after another.
public final class Conv2DWorkspace: @unchecked Sendable {
  let lanes: [Conv2DLane]
  /// The number format of the convolutions run with this workspace (``Precision``; fp32 unless set).
  public var precision = Precision.fp32
  /// How oneDNN computes them (``Conv2DAlgorithm``; `auto`, which may pick Winograd, unless set).
  public var algorithm = Conv2DAlgorithm.auto

  /// An empty workspace with a lane per ``Parallel/workers``.
  public init() {
    lanes = (0..<Parallel.workers).map { _ in Conv2DLane() }
  }

  /// Floats currently allocated in scratch buffers.
  public var capacity: Int { lanes.reduce(0) { $0 + $1.capacity } }

  /// The lanes that share `batch` images, each with its first image and image count.
  func shares(batch: Int) -> [(lane: Conv2DLane, first: Int, images: Int)] {
    let parts = min(lanes.count, batch)
    return (0..<parts).map { p in (lanes[p], p * batch / parts, (p + 1) * batch / parts - p * batch / parts) }
  }

  /// Runs `body` on every share of `batch` images (see ``shares(batch:)``), one lane per worker, with the
  /// worker's OpenMP team set to one thread first: oneDNN sizes a primitive's work split when creating it,
  /// so a primitive created under a larger team would run (and sum its partial results) differently.
  func forEachLane(batch: Int, _ body: (Conv2DLane, _ first: Int, _ images: Int) -> Void) {
    let parts = shares(batch: batch)
    Parallel.forRange(parts.count, minChunk: 1) { p0, p1 in
      omp_set_num_threads(1)
      for p in p0..<p1 { body(parts[p].lane, parts[p].first, parts[p].images) }
    }
  }
}
