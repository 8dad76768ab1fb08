/// How a model routes channels per timestep (Denoising Task Routing, Park et al., ICLR 2024).
public enum RoutingKind: String, Sendable, CaseIterable, Codable {
  /// DTR: a sliding window of ⌊βC⌋ channels whose start moves like (t/(T−1))^α.
  case dtr
  /// R-TR: ⌊βC⌋ channels chosen at random for each timestep (seeded, independent per block).
  case random
  /// No routing: every block reads every channel.
  case none
}

/// A `[T, C]` table of binary channel masks, one row per diffusion timestep.
///
/// Formula (official code, `models/taskrouting.py::create_mask_tasks`; dtr-spec.md §2.1):
/// `n = Int(Double(C)·β)`, `start[t] = round_half_even((t/(T−1))^α · (C−n))`, row t is 1 on
/// `start[t] ..< start[t]+n`. Random routing draws exactly n channels per row.
public struct RoutingMask: Sendable, Equatable {
  /// Number of timesteps (rows).
  public let timesteps: Int
  /// Number of channels (columns).
  public let channels: Int
  /// Active channels per row, n = ⌊βC⌋.
  public let width: Int
  /// Row-major 0/1 values, `timesteps × channels`.
  public let values: [Float]

  /// Window starts for DTR masks (nil for random masks).
  public let starts: [Int]?

  /// The DTR sliding-window table.
  public static func dtr(timesteps: Int, channels: Int, alpha: Double, beta: Double) -> RoutingMask {
    let n = Int(Double(channels) * beta)
    let last = channels - n
    var starts = [Int](repeating: 0, count: timesteps)
    var v = [Float](repeating: 0, count: timesteps * channels)
    for t in 0..<timesteps {
      let u = timesteps > 1 ? (t == timesteps - 1 ? 1.0 : Double(t) / Double(timesteps - 1)) : 0
      let s = Int((pow(u, alpha) * Double(last)).rounded(.toNearestOrEven))
      starts[t] = s
      for c in s..<(s + n) { v[t * channels + c] = 1 }
    }
    return RoutingMask(timesteps: timesteps, channels: channels, width: n, values: v, starts: starts)
  }

  /// R-TR: each row has exactly ⌊βC⌋ ones at random positions drawn from `rng`.
  public static func random(timesteps: Int, channels: Int, beta: Double, rng: inout SplitMix64) -> RoutingMask {
    let n = Int(Double(channels) * beta)
    var v = [Float](repeating: 0, count: timesteps * channels)
    for t in 0..<timesteps {
      let perm = rng.permutation(channels)
      for c in perm.prefix(n) { v[t * channels + c] = 1 }
    }
    return RoutingMask(timesteps: timesteps, channels: channels, width: n, values: v, starts: nil)
  }

  /// A table restored from stored values (e.g. a checkpoint); rows must all have the same count of ones.
  public init(timesteps: Int, channels: Int, values: [Float]) {
    precondition(values.count == timesteps * channels)
    self.init(timesteps: timesteps, channels: channels,
              width: Int(values.prefix(channels).reduce(0, +)), values: values, starts: nil)
  }

  private init(timesteps: Int, channels: Int, width: Int, values: [Float], starts: [Int]?) {
    self.timesteps = timesteps
    self.channels = channels
    self.width = width
    self.values = values
    self.starts = starts
  }

  /// Whether channel `c` is active at timestep `t`.
  public func isActive(t: Int, c: Int) -> Bool { values[t * channels + c] != 0 }

  /// Indices of the active channels at timestep `t`.
  public func activeChannels(t: Int) -> [Int] { (0..<channels).filter { isActive(t: t, c: $0) } }

  /// Copies the rows of the given timesteps into `out` (`[N, C]`, one row per sample).
  public func gather(timesteps ts: [Int], into out: UnsafeMutablePointer<Float>) {
    values.withUnsafeBufferPointer { src in
      for (i, t) in ts.enumerated() {
        (out + i * channels).update(from: src.baseAddress! + t * channels, count: channels)
      }
    }
  }
}

import DTREngine
import Foundation

extension RoutingMask {
  /// The tables for every routed block of a model: one shared DTR table, independent seeded random
  /// tables (block b uses seed `seed &+ b`), or all-ones tables for `none`.
  public static func tables(kind: RoutingKind, blocks: Int, timesteps: Int, channels: Int,
                            alpha: Double, beta: Double, seed: UInt64) -> [RoutingMask] {
    switch kind {
    case .dtr:
      return Array(repeating: .dtr(timesteps: timesteps, channels: channels, alpha: alpha, beta: beta), count: blocks)
    case .random:
      return (0..<blocks).map { b in
        var rng = SplitMix64(seed: seed &+ UInt64(b))
        return .random(timesteps: timesteps, channels: channels, beta: beta, rng: &rng)
      }
    case .none:
      return Array(repeating: .dtr(timesteps: timesteps, channels: channels, alpha: 1, beta: 1), count: blocks)
    }
  }
}
