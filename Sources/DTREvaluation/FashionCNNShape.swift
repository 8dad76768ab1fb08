/// Layer widths of ``FashionCNN``; stored in the weights file's metadata so a file rebuilds its network.
public struct FashionCNNShape: Sendable, Equatable {
  /// Channels of the first 3×3 convolution (28×28).
  public var conv1: Int
  /// Channels of the second 3×3 convolution (14×14).
  public var conv2: Int
  /// Width of the penultimate layer: the feature dimension D.
  public var hidden: Int
  /// Number of classes: the logit dimension.
  public var classes: Int

  /// The shipped evaluator's widths by default (32, 64, 128, 10).
  public init(conv1: Int = 32, conv2: Int = 64, hidden: Int = 128, classes: Int = 10) {
    precondition(conv1 > 0 && conv2 > 0 && hidden > 0 && classes > 1, "bad CNN widths")
    self.conv1 = conv1
    self.conv2 = conv2
    self.hidden = hidden
    self.classes = classes
  }

  /// Input side length (Fashion-MNIST).
  public static let side = 28

  /// Inputs of the first fully connected layer: `conv2 · 7 · 7`.
  public var flattened: Int { conv2 * (Self.side / 4) * (Self.side / 4) }

  /// A one-line description of the architecture.
  public var description: String {
    "conv3x3(1→\(conv1))+relu+maxpool2 → conv3x3(\(conv1)→\(conv2))+relu+maxpool2 → "
      + "fc(\(flattened)→\(hidden))+relu [features] → fc(\(hidden)→\(classes)) [logits]; input [N,1,28,28] in [-1,1]"
  }

  /// The widths as metadata entries (`conv1`, `conv2`, `hidden`, `classes`, `architecture`).
  public var metadata: [String: String] {
    ["conv1": "\(conv1)", "conv2": "\(conv2)", "hidden": "\(hidden)", "classes": "\(classes)",
     "architecture": description]
  }

  /// The widths read back from ``metadata``, or nil if any is missing or invalid.
  public init?(metadata: [String: String]) {
    let values = ["conv1", "conv2", "hidden", "classes"].compactMap { metadata[$0].flatMap(Int.init) }
    guard values.count == 4, values.allSatisfy({ $0 > 0 }), values[3] > 1 else { return nil }
    self.init(conv1: values[0], conv2: values[1], hidden: values[2], classes: values[3])
  }
}
