import DTREngine

/// Finite-difference gradient checking for ops, layers and whole models.
///
/// The caller gives the tensors to check and two closures that capture everything else (weights,
/// workspaces, saved activations):
/// - `forward()` runs the computation from the current contents of the inputs and returns its output
///   (it may return the same, reused tensor every time; it must be deterministic);
/// - `backward(dOut)` runs the backward pass for the most recent forward and returns the gradients with
///   respect to the inputs, in the order of `inputs`, as the result of this one call (zero any
///   accumulating `+=` gradient buffers first).
///
/// The checker reduces the output to a scalar `L = Σ out·r` with a fixed, seeded Gaussian projection `r`
/// (summed in double precision), obtains the analytic `dL/dx` by calling `backward(r)` once, and compares
/// it with central differences `(L(x+h) − L(x−h)) / 2h`, `h = step·max(1, |x|)`, on every element of small
/// inputs and on a seeded random subset of larger ones, with
/// `error = |a − n| / max(|a| + |n|, absoluteFloor)`.
///
/// The verdict does not hinge on how float32 happens to round on one CPU. An element whose error exceeds
/// `relativeTolerance` is examined again with central differences at five more steps (0.5h … 1.4h):
/// - if the analytic value lies more than 6 sample deviations of those six estimates from their mean
///   (and still outside the tolerance), the numeric derivative is trustworthy and the analytic one is
///   wrong: a **mismatch**, and the check fails;
/// - otherwise the finite difference cannot decide at this element — it sits within a step of a kink
///   (ReLU, max-pool) or its float32 rounding noise (≈1e-7·|L|/h, which code compiled for another CPU
///   rounds differently) swamps the signal — and the element is **unresolved**, counted and excluded.
///   With `piecewise`, one-sided differences are tried first, since next to a kink the analytic gradient
///   is that of one of the two pieces.
/// The check fails when more than `maxUnresolvedFraction` of the elements are unresolved, so a checker
/// that excludes everything cannot pass. A wrong gradient stays a mismatch on every CPU, because a wrong
/// analytic value does not make the numeric estimates disagree with each other
/// (`GradientCheckTests` shows both cases).
///
/// The defaults (step 1e-2, tolerance 1e-2, floor 1e-3) suit float32 ops: with `h = 1e-3` rounding noise
/// alone reached 1e-3 on gradients of a 3×3 convolution's input. Where one input moves many outputs
/// (normalisation statistics, whole models) raise `absoluteFloor`; `richardson` lets deep models use a
/// larger step.
///
/// ```swift
/// let report = GradientCheck.run(inputs: [x, w], forward: { layer.forward(x) },
///                                backward: { dy in w.grad.zero(); return [layer.backward(dy), w.grad] })
/// XCTAssertTrue(report.passed, report.description)
/// ```
public enum GradientCheck {
  /// Tolerances and sampling; the defaults suit float32 computations of moderate depth.
  public struct Options: Sendable {
    /// Largest accepted `|a − n| / max(|a| + |n|, absoluteFloor)`.
    public var relativeTolerance: Double
    /// Denominator floor, so that gradients near zero are compared absolutely.
    public var absoluteFloor: Double
    /// Finite-difference step relative to `max(1, |x|)`.
    public var step: Double
    /// Inputs with more elements are checked on a random subset of this many.
    public var maxElementsPerInput: Int
    /// Seed of the projection and of the subset choice.
    public var seed: UInt64
    /// Richardson-extrapolate central differences at h and 2h, `(4·D(h) − D(2h))/3`: truncation error
    /// O(h⁴) instead of O(h²), so a larger step can keep float32 rounding noise (∝ 1/h) down. Costs two
    /// more forward passes per element; for deep models whose outputs carry the noise of many layers.
    public var richardson: Bool
    /// For piecewise-smooth functions (ReLU, max-pool): an element whose central difference disagrees
    /// also passes when one of its one-sided differences `(L(x±h) − L(x))/±h` agrees, i.e. when x sits
    /// within a step of a kink and the analytic gradient is that of one of the two pieces.
    public var piecewise: Bool
    /// The largest share of checked elements that may be unresolved (finite differences that do not
    /// converge there) before the check fails.
    public var maxUnresolvedFraction: Double

    /// Options with the given values (all defaulted).
    public init(relativeTolerance: Double = 1e-2, absoluteFloor: Double = 1e-3, step: Double = 1e-2,
                maxElementsPerInput: Int = 200, seed: UInt64 = 0x6D1C_4EC8, richardson: Bool = false,
                piecewise: Bool = false, maxUnresolvedFraction: Double = 0.05) {
      self.maxUnresolvedFraction = maxUnresolvedFraction
      self.relativeTolerance = relativeTolerance
      self.absoluteFloor = absoluteFloor
      self.step = step
      self.maxElementsPerInput = maxElementsPerInput
      self.seed = seed
      self.richardson = richardson
      self.piecewise = piecewise
    }
  }

  /// One element whose analytic and numeric derivatives disagree.
  public struct Mismatch: Sendable, CustomStringConvertible {
    /// Position of the tensor in `inputs`.
    public let input: Int
    /// Flat element index inside that tensor.
    public let element: Int
    /// The gradient returned by `backward`.
    public let analytic: Double
    /// The central-difference estimate.
    public let numeric: Double
    /// The relative error that exceeded the tolerance.
    public let error: Double

    /// E.g. `input 1 element 17: analytic 0.25 numeric 0.31 (error 0.107)`.
    public var description: String {
      "input \(input) element \(element): analytic \(analytic) numeric \(numeric) (error \(error))"
    }
  }

  /// The outcome of ``run(inputs:options:forward:backward:)``.
  public struct Report: Sendable, CustomStringConvertible {
    /// Elements compared, over all inputs.
    public let checked: Int
    /// Elements whose finite differences did not converge (kinks, rounding noise), excluded from the verdict.
    public let unresolved: Int
    /// The largest relative error seen on a resolved element.
    public let worstError: Double
    /// Every failing element, in checking order.
    public let mismatches: [Mismatch]
    /// The most unresolved elements the options allow.
    public let maxUnresolved: Int

    /// Whether no element mismatched and few enough were unresolved.
    public var passed: Bool { mismatches.isEmpty && unresolved <= maxUnresolved }

    /// A summary with the first few mismatches.
    public var description: String {
      let head = "gradient check: \(checked) elements, worst error \(worstError), \(mismatches.count) mismatches, "
        + "\(unresolved) unresolved (at most \(maxUnresolved))"
      return ([head] + mismatches.prefix(10).map { "  " + $0.description }).joined(separator: "\n")
    }
  }

  /// Compares `backward`'s gradients for `inputs` with central differences of `forward`; see ``GradientCheck``.
  /// The inputs are restored to their original values before returning.
  public static func run(
    inputs: [Tensor], options: Options = Options(), forward: () -> Tensor, backward: (Tensor) -> [Tensor]
  ) -> Report {
    var rng = SplitMix64(seed: options.seed)
    let output = forward()
    let projection = Tensor(output.shape)
    rng.fillNormal(projection.data, count: projection.count)
    let gradients = backward(projection).map { $0.toArray() }
    precondition(gradients.count == inputs.count, "backward returned \(gradients.count) gradients for \(inputs.count) inputs")

    func loss() -> Double {
      let out = forward()
      precondition(out.count == projection.count, "forward output changed size")
      var sum: Double = 0
      for i in 0..<out.count { sum += Double(out.data[i]) * Double(projection.data[i]) }
      return sum
    }

    var checked = 0, unresolved = 0, worst: Double = 0
    var mismatches: [Mismatch] = []
    for (index, x) in inputs.enumerated() {
      precondition(gradients[index].count == x.count, "gradient \(index) has \(gradients[index].count) elements, input \(x.count)")
      let elements = x.count <= options.maxElementsPerInput
        ? Array(0..<x.count) : Array(rng.permutation(x.count).prefix(options.maxElementsPerInput))
      for e in elements {
        let original = x.data[e]
        let analytic = Double(gradients[index][e])
        func relativeError(_ a: Double, _ b: Double) -> Double {
          abs(a - b) / max(abs(a) + abs(b), options.absoluteFloor)
        }
        /// `(L(x+h) − L(x−h)) / 2h` with the steps actually representable in float32.
        func centralDifference(_ h: Double) -> Double {
          let plus = Float(Double(original) + h), minus = Float(Double(original) - h)
          x.data[e] = plus
          let lPlus = loss()
          x.data[e] = minus
          let lMinus = loss()
          x.data[e] = original
          return (lPlus - lMinus) / (Double(plus) - Double(minus))
        }
        func estimate(_ h: Double) -> Double {
          options.richardson ? (4 * centralDifference(h) - centralDifference(2 * h)) / 3 : centralDifference(h)
        }
        let h = options.step * max(1, Double(abs(original)))
        let numeric = estimate(h)
        var error = relativeError(analytic, numeric)
        checked += 1
        if error > options.relativeTolerance {
          // Is the finite difference itself trustworthy here? Estimates at five more steps around h agree
          // to O(h²) where the function is smooth and the rounding noise small; their scatter measures that
          // noise, and a kink between the probe points scatters them too.
          let estimates = [numeric] + [0.5, 0.7, 0.85, 1.2, 1.4].map { estimate($0 * h) }
          let mean = estimates.reduce(0, +) / Double(estimates.count)
          let scatter = (estimates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(estimates.count - 1)).squareRoot()
          error = relativeError(analytic, mean)
          // 6 sample deviations are 14.7 standard errors of the mean: a correct gradient lands there by
          // rounding noise with probability ~3e-5 (Student t, 5 degrees of freedom).
          let resolved = abs(analytic - mean) > 6 * scatter
          if !resolved && options.piecewise {
            // Next to a kink the analytic gradient is one piece's: one one-sided difference agrees.
            let l0 = loss()
            for side in [1.0, -1.0] {
              let moved = Float(Double(original) + side * h)
              x.data[e] = moved
              let oneSided = (loss() - l0) / (Double(moved) - Double(original))
              x.data[e] = original
              error = min(error, relativeError(analytic, oneSided))
            }
          }
          if error > options.relativeTolerance {
            if resolved {
              mismatches.append(Mismatch(input: index, element: e, analytic: analytic, numeric: mean, error: error))
            } else {
              unresolved += 1
              continue
            }
          }
        }
        worst = max(worst, error)
      }
    }
    _ = forward()  // leave the closures' buffers consistent with the restored inputs
    return Report(checked: checked, unresolved: unresolved, worstError: worst, mismatches: mismatches,
                  maxUnresolved: Int(options.maxUnresolvedFraction * Double(checked)))
  }
}
