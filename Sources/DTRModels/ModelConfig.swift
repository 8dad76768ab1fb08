import DTRData
import DTREngine

/// Network families.
public enum Architecture: String, Sendable, Codable, CaseIterable {
  /// Diffusion Transformer with adaLN-Zero blocks (Peebles & Xie).
  case dit
  /// ADM-style convolutional UNet (Dhariwal & Nichol).
  case unet
}

/// The shape of a denoising network and its routing: everything needed to build one and to name it in a
/// checkpoint. DiT fields and UNet fields live side by side; ``arch`` says which are used.
public struct ModelConfig: Sendable, Equatable, Codable {
  /// Which network family.
  public var arch = Architecture.dit
  /// Input images are `inChannels × inputSize × imageWidth` (`inputSize` rows).
  public var inputSize = 28
  /// Input width in columns when it differs from ``inputSize`` (DiT only; 0 = square). The caption
  /// canvases are 28 × 56.
  public var inputWidth = 0
  /// Image channels (1 for Fashion-MNIST).
  public var inChannels = 1
  /// Patch side p; tokens = (inputSize/p)².
  public var patch = 4
  /// Hidden width D (= routed channels C).
  public var hidden = 128
  /// Number of DiT blocks.
  public var depth = 6
  /// Attention heads (D must be divisible by it).
  public var heads = 4
  /// MLP width as a multiple of D.
  public var mlpRatio = 4
  /// Number of classes; 0 means unconditional (a single label 0 and no null class, as DTR's code).
  public var numClasses = 10
  /// Probability of replacing a label by the null class during training (classifier-free guidance).
  public var classDropout = 0.1
  /// Diffusion timesteps T (rows of the routing tables).
  public var timesteps = 1000
  /// Channel routing.
  public var routing = RoutingKind.dtr
  /// DTR shift ratio α.
  public var alpha = 4.0
  /// DTR window width β.
  public var beta = 0.8
  /// Seed of random routing tables.
  public var routingSeed: UInt64 = 0

  /// Caption tokens per sample (0 = not captioned). A captioned DiT reads token captions through a text
  /// encoder and cross-attention instead of class labels (docs/text-to-image.md).
  public var captionLength = 0
  /// Token ids of the caption vocabulary, padding (0) and the null caption's id (1) included.
  public var vocabularySize = 0
  /// Pre-LN transformer layers of the text encoder (its width and heads are the DiT's).
  public var textDepth = 2

  /// UNet base width (ADM `model_channels`), also the width of the sinusoidal timestep features.
  public var baseChannels = 64
  /// UNet width multiplier per resolution level (ADM `channel_mult`); level l runs at ⌈inputSize/2^l⌉.
  public var channelMult = [1, 2, 2]
  /// UNet residual blocks per level on the way down (ADM `num_res_blocks`); the way up has one more.
  public var blocksPerLevel = 2
  /// Self-attention also at level 1 (14×14 for 28×28 inputs); level 2 (7×7) and the middle always have it.
  public var attentionAt14 = false
  /// UNet GroupNorm groups (ADM: 32); a layer of C channels uses the largest divisor of C not above this.
  public var groups = 32
  /// Channels per UNet attention head (ADM `num_head_channels`).
  public var headChannels = 64
  /// UNet downsampling by a stride-2 3×3 convolution (ADM `conv_resample`) instead of 2×2 average pooling.
  public var downsampleConv = true

  /// A configuration with the defaults above (the `small` preset).
  public init() {}

  /// Named presets: DiT `tiny` (64/2/2/4), `small` (128/6/4/4; ``init()``'s), `base` (256/8/8/2);
  /// captioned DiTs on 28×56 canvases `caption-tiny` (64/2/2/4, one text layer) and `caption-small`
  /// (128/4/4/4, two text layers);
  /// UNet `unet-tiny` (base 16, mult 1-2-2, 1 block per level, 8 groups, 32-channel heads), `unet-small`
  /// (base 32, 1-2-2, 1 block per level, 8 groups, 32-channel heads: the UNet that trains to recognisable
  /// samples in a 20-minute CPU run) and `unet-base` (ADM-sized: base 64, 1-2-2, 2 blocks per level,
  /// 32 groups, 64-channel heads; about 18× the arithmetic of DiT `small`).
  public static func preset(_ name: String) -> ModelConfig? {
    var c = ModelConfig()
    switch name {
    case "tiny": (c.hidden, c.depth, c.heads, c.patch) = (64, 2, 2, 4)
    case "small": break
    case "base": (c.hidden, c.depth, c.heads, c.patch) = (256, 8, 8, 2)
    case "caption-tiny", "caption-small":
      (c.inputWidth, c.captionLength, c.vocabularySize) = (56, CaptionVocabulary.length, CaptionVocabulary.size)
      if name == "caption-tiny" {
        (c.hidden, c.depth, c.heads, c.patch, c.textDepth) = (64, 2, 2, 4, 1)
      } else {
        (c.hidden, c.depth, c.heads, c.patch, c.textDepth) = (128, 4, 4, 4, 2)
      }
    case "unet-tiny":
      c.arch = .unet
      (c.baseChannels, c.channelMult, c.blocksPerLevel, c.groups, c.headChannels) = (16, [1, 2, 2], 1, 8, 32)
    case "unet-small":
      c.arch = .unet
      (c.baseChannels, c.channelMult, c.blocksPerLevel, c.groups, c.headChannels) = (32, [1, 2, 2], 1, 8, 32)
    case "unet-base":
      c.arch = .unet
      (c.baseChannels, c.channelMult, c.blocksPerLevel, c.groups, c.headChannels) = (64, [1, 2, 2], 2, 32, 64)
    default: return nil
    }
    return c
  }

  /// The preset `dtr` trains when none is named: `unet-small`, the model that reaches a given FID in the
  /// fewest minutes on a 2-core CPU (docs/performance.md, "Time to quality"). DTR routes its residual
  /// blocks as it routes DiT blocks.
  public static let defaultPreset = "unet-small"

  /// The preset names, DiT then UNet, each in size order.
  public static let presetNames = ["tiny", "small", "base", "caption-tiny", "caption-small", "unet-tiny", "unet-small",
                                   "unet-base"]

  /// Builds the network this configuration describes, initialised from `seed`.
  public func build(seed: UInt64) -> any DenoisingNetwork {
    switch arch {
    case .dit: return DiT(self, seed: seed)
    case .unet: return UNet(self, seed: seed)
    }
  }

  /// The network's shape in one phrase: `128/6/4/4` (hidden/depth/heads/patch) for a DiT,
  /// `unet 64 ch × 1-2-2, 2 blocks/level` for a UNet.
  public var shapeDescription: String {
    switch arch {
    case .dit: return "\(hidden)/\(depth)/\(heads)/\(patch)"
    case .unet:
      return "unet \(baseChannels) ch × \(channelMult.map(String.init).joined(separator: "-")), \(blocksPerLevel) blocks/level"
    }
  }

  /// Input columns: ``inputWidth``, or ``inputSize`` for square inputs.
  public var imageWidth: Int { inputWidth > 0 ? inputWidth : inputSize }
  /// The shape of one input image, `[C, H, W]`.
  public var imageShape: [Int] { [inChannels, inputSize, imageWidth] }
  /// Tokens per image.
  public var tokens: Int { (inputSize / patch) * (imageWidth / patch) }
  /// Whether captions (token sequences) condition the model instead of class labels.
  public var captioned: Bool { captionLength > 0 }
  /// Whether labels (or, for a captioned model, caption rows) condition the model.
  public var conditional: Bool { numClasses > 0 || captioned }
  /// Rows of the label table: classes plus the null class when dropout is used (a captioned model has none).
  public var labelRows: Int { captioned ? 0 : numClasses > 0 ? numClasses + (classDropout > 0 ? 1 : 0) : 1 }
  /// The label meaning "no class" for classifier-free guidance; for a captioned model, the row of the
  /// null caption in its ``CaptionTable`` (row 0).
  public var nullClass: Int { captioned ? CaptionTable.nullRow : conditional ? numClasses : 0 }

  /// Why this configuration cannot be built, or nil.
  public var validationError: String? {
    if let e = arch == .dit ? ditValidationError : unetValidationError { return e }
    if arch == .unet && (captioned || imageWidth != inputSize) { return "a UNet takes square images and class labels" }
    return routingError(alpha: alpha, beta: beta)
  }

  /// Why a network of this configuration cannot compute at `precision` on this CPU, as one line naming
  /// the fix with the option `flag` that asked for it, or nil: bf16 covers a UNet's convolutions (oneDNN),
  /// not a DiT's sgemm GEMMs.
  public func precisionError(_ precision: Precision, flag: String = "--precision") -> String? {
    guard precision == .bf16 else { return nil }
    if arch != .unet { return "\(flag) bf16 covers a UNet's convolutions; this model is a DiT, which computes in fp32: use \(flag) fp32" }
    return precision.unsupportedReason().map { "\(flag) \($0): use \(flag) fp32" }
  }

  private var ditValidationError: String? {
    if inputSize % patch != 0 || imageWidth % patch != 0 {
      return "patch \(patch) must divide the image size \(inputSize)×\(imageWidth)"
    }
    if captioned && vocabularySize < 2 { return "a captioned model needs a vocabulary (got \(vocabularySize) ids)" }
    if captioned && textDepth < 1 { return "a captioned model needs textDepth ≥ 1" }
    if hidden % heads != 0 { return "hidden \(hidden) must be divisible by heads \(heads)" }
    if hidden % 4 != 0 { return "hidden \(hidden) must be divisible by 4 (2-D sin-cos positions)" }
    if depth < 1 { return "depth must be ≥ 1" }
    return nil
  }

  /// Forward FLOPs per image (multiply-adds × 2) of the GEMMs, convolutions and attention products.
  public var forwardFLOPsPerImage: Double {
    arch == .dit ? ditForwardFLOPs : unetForwardFLOPs
  }

  private var ditForwardFLOPs: Double {
    let L = Double(tokens), D = Double(hidden), pp = Double(patch * patch * inChannels)
    var block = 2 * L * D * (3 * D + D + 2 * Double(mlpRatio) * D) + 2 * 2 * L * L * D + 2 * D * 6 * D
    var text = 0.0
    if captioned {
      // cross-attention (q and output projections over the image tokens, k/v over the text, two products)
      // and the text encoder's layers over its K tokens
      let K = Double(captionLength)
      block += 2 * L * D * 2 * D + 2 * K * D * 2 * D + 2 * 2 * L * K * D
      text = Double(textDepth) * (2 * K * D * (3 * D + D + 2 * Double(mlpRatio) * D) + 2 * 2 * K * K * D)
    }
    return Double(depth) * block + text + 2 * L * pp * D * 2 + 2 * D * 2 * D + 2 * (256 * D + D * D)
  }
}

extension ModelConfig {
  enum CodingKeys: String, CodingKey {
    case arch, inputSize, inChannels, patch, hidden, depth, heads, mlpRatio, numClasses, classDropout, timesteps
    case routing, alpha, beta, routingSeed, inputWidth, captionLength, vocabularySize, textDepth
    case baseChannels, channelMult, blocksPerLevel, attentionAt14, groups, headChannels, downsampleConv
  }

  /// Decodes a configuration; fields the input lacks keep their defaults, so configurations written
  /// before a field existed (e.g. the UNet fields) still load.
  public init(from decoder: any Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
      if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
    }
    try read(.arch, &arch)
    try read(.inputSize, &inputSize)
    try read(.inChannels, &inChannels)
    try read(.patch, &patch)
    try read(.hidden, &hidden)
    try read(.depth, &depth)
    try read(.heads, &heads)
    try read(.mlpRatio, &mlpRatio)
    try read(.numClasses, &numClasses)
    try read(.classDropout, &classDropout)
    try read(.timesteps, &timesteps)
    try read(.routing, &routing)
    try read(.alpha, &alpha)
    try read(.beta, &beta)
    try read(.routingSeed, &routingSeed)
    try read(.inputWidth, &inputWidth)
    try read(.captionLength, &captionLength)
    try read(.vocabularySize, &vocabularySize)
    try read(.textDepth, &textDepth)
    try read(.baseChannels, &baseChannels)
    try read(.channelMult, &channelMult)
    try read(.blocksPerLevel, &blocksPerLevel)
    try read(.attentionAt14, &attentionAt14)
    try read(.groups, &groups)
    try read(.headChannels, &headChannels)
    try read(.downsampleConv, &downsampleConv)
  }
}
