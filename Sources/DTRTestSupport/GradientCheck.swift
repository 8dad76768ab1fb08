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
/// inputs and on a seeded random subset of larger ones. An element fails when
/// `|a − n| / max(|a| + |n|, absoluteFloor) > relativeTolerance`.
///
/// The defaults (step 1e-2, tolerance 1e-2, floor 1e-3) are set by float32 rounding: every output carries
/// ~1e-7 relative noise, which the difference quotient divides by `2h`. With `h = 1e-3` that noise alone
/// reached 1e-3 on gradients of a 3×3 convolution's input and 4e-5 on cross-entropy gradients of 1e-4, so
/// the step is larger and gradients below ~1e-3 are compared to an absolute tolerance of 1e-5. The
/// truncation error of central differences at `h = 1e-2` is ~1e-5 relative for smooth functions; pass a
/// smaller step for functions with kinks (ReLU) near the inputs. Where one input moves many outputs
/// (normalisation statistics, whole models) the noise grows with them: raise `absoluteFloor`.
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

    /// Options with the given values (all defaulted).
    public init(relativeTolerance: Double = 1e-2, absoluteFloor: Double = 1e-3, step: Double = 1e-2,
                maxElementsPerInput: Int = 200, seed: UInt64 = 0x6D1C_4EC8, richardson: Bool = false,
                piecewise: Bool = false) {
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
    /// The largest relative error seen.
    public let worstError: Double
    /// Every failing element, in checking order.
    public let mismatches: [Mismatch]

    /// Whether every checked element was within tolerance.
    public var passed: Bool { mismatches.isEmpty }

    /// A summary with the first few mismatches.
    public var description: String {
      let head = "gradient check: \(checked) elements, worst error \(worstError), \(mismatches.count) mismatches"
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

    var checked = 0, worst: Double = 0
    var mismatches: [Mismatch] = []
    for (index, x) in inputs.enumerated() {
      precondition(gradients[index].count == x.count, "gradient \(index) has \(gradients[index].count) elements, input \(x.count)")
      let elements = x.count <= options.maxElementsPerInput
        ? Array(0..<x.count) : Array(rng.permutation(x.count).prefix(options.maxElementsPerInput))
      for e in elements {
        let original = x.data[e]
        let h = options.step * max(1, Double(abs(original)))
        func centralDifference(_ h: Double) -> Double {
          let plus = Float(Double(original) + h), minus = Float(Double(original) - h)
          x.data[e] = plus
          let lPlus = loss()
          x.data[e] = minus
          let lMinus = loss()
          x.data[e] = original
          return (lPlus - lMinus) / (Double(plus) - Double(minus))
        }
        let numeric = options.richardson
          ? (4 * centralDifference(h) - centralDifference(2 * h)) / 3 : centralDifference(h)
        let analytic = Double(gradients[index][e])
        func relativeError(_ numeric: Double) -> Double {
          abs(analytic - numeric) / max(abs(analytic) + abs(numeric), options.absoluteFloor)
        }
        var error = relativeError(numeric)
        if error > options.relativeTolerance && options.piecewise {
          let l0 = loss()
          for side in [1.0, -1.0] {
            let moved = Float(Double(original) + side * h)
            x.data[e] = moved
            let oneSided = (loss() - l0) / (Double(moved) - Double(original))
            x.data[e] = original
            error = min(error, relativeError(oneSided))
          }
        }
        checked += 1
        worst = max(worst, error)
        if error > options.relativeTolerance {
          mismatches.append(Mismatch(input: index, element: e, analytic: analytic, numeric: numeric, error: error))
        }
      }
    }
    _ = forward()  // leave the closures' buffers consistent with the restored inputs
    return Report(checked: checked, worstError: worst, mismatches: mismatches)
  }
}
