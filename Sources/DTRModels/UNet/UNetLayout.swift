/// The module graph of an ADM UNet (openai/guided-diffusion `unet.py::UNetModel`) for one configuration:
/// which modules each `input_blocks.N`, `middle_block` and `output_blocks.N` holds, their widths and
/// resolutions, and the parameter-name prefix of each. Building the network and estimating its cost both
/// read this, so they cannot disagree.
struct UNetLayout {
  /// One module: 3×3 convolutions pad by 1.
  enum Module {
    /// A 3×3 convolution (the input convolution, or a stride-2 downsampling `op`).
    case conv(inChannels: Int, outChannels: Int, side: Int, stride: Int)
    /// An ADM residual block with scale-shift conditioning and routing on its input.
    case res(inChannels: Int, outChannels: Int, side: Int)
    /// Self-attention over the `side²` pixels.
    case attention(channels: Int, side: Int)
    /// 2×2 average pooling.
    case pool(channels: Int, side: Int)
    /// Nearest 2× upsampling to `outSide` followed by a 3×3 convolution.
    case upsample(channels: Int, side: Int, outSide: Int)

    /// Channels of the module's output.
    var outChannels: Int {
      switch self {
      case .conv(_, let c, _, _), .res(_, let c, _), .attention(let c, _), .pool(let c, _), .upsample(let c, _, _): c
      }
    }

    /// Side of the module's output.
    var outSide: Int {
      switch self {
      case .conv(_, _, let s, let stride): (s - 1) / stride + 1
      case .res(_, _, let s), .attention(_, let s): s
      case .pool(_, let s): (s + 1) / 2
      case .upsample(_, _, let o): o
      }
    }
  }

  /// A module and the prefix of its parameter names (`input_blocks.4.0`).
  struct Entry {
    let prefix: String
    let module: Module
  }

  /// One `input_blocks.N`, the `middle_block` or one `output_blocks.N`.
  struct Block {
    let modules: [Entry]
    /// Channels of the skip activation concatenated onto the input (output blocks only; else 0).
    let skipChannels: Int
  }

  /// Image side of each level: 28, 14, 7 for 28×28 inputs (⌈side/2⌉ per level).
  let sides: [Int]
  let input: [Block]
  let middle: Block
  let output: [Block]
  /// Channels entering the output head (`out.0`).
  let headChannels: Int
  /// Floats per image of each input block's output: the skip activations the output blocks concatenate.
  let skipSizes: [Int]

  /// The graph of `config`, following `UNetModel.__init__` with `use_scale_shift_norm=True`, no dropout.
  init(_ config: ModelConfig) {
    let base = config.baseChannels, mult = config.channelMult, levels = config.channelMult.count
    var sides = [config.inputSize]
    for _ in 1..<max(levels, 1) { sides.append((sides[sides.count - 1] + 1) / 2) }
    func attends(_ level: Int) -> Bool { level == 2 || (config.attentionAt14 && level == 1) }

    var ch = base * (mult.first ?? 1)
    var skipChans = [ch]
    var input = [Block(modules: [Entry(prefix: "input_blocks.0.0",
                                       module: .conv(inChannels: config.inChannels, outChannels: ch, side: sides[0], stride: 1))],
                       skipChannels: 0)]
    for (level, m) in mult.enumerated() {
      let side = sides[level]
      for _ in 0..<config.blocksPerLevel {
        let name = "input_blocks.\(input.count)"
        var mods = [Entry(prefix: "\(name).0", module: .res(inChannels: ch, outChannels: m * base, side: side))]
        ch = m * base
        if attends(level) { mods.append(Entry(prefix: "\(name).1", module: .attention(channels: ch, side: side))) }
        input.append(Block(modules: mods, skipChannels: 0))
        skipChans.append(ch)
      }
      if level < levels - 1 {
        let name = "input_blocks.\(input.count)"
        let down = config.downsampleConv
          ? Entry(prefix: "\(name).0.op", module: .conv(inChannels: ch, outChannels: ch, side: side, stride: 2))
          : Entry(prefix: "\(name).0", module: .pool(channels: ch, side: side))
        input.append(Block(modules: [down], skipChannels: 0))
        skipChans.append(ch)
      }
    }
    let low = sides[sides.count - 1]
    middle = Block(modules: [
      Entry(prefix: "middle_block.0", module: .res(inChannels: ch, outChannels: ch, side: low)),
      Entry(prefix: "middle_block.1", module: .attention(channels: ch, side: low)),
      Entry(prefix: "middle_block.2", module: .res(inChannels: ch, outChannels: ch, side: low)),
    ], skipChannels: 0)
    var output: [Block] = []
    for (level, m) in mult.enumerated().reversed() {
      let side = sides[level]
      for i in 0...config.blocksPerLevel {
        let skip = skipChans.removeLast()
        let name = "output_blocks.\(output.count)"
        var mods = [Entry(prefix: "\(name).0", module: .res(inChannels: ch + skip, outChannels: m * base, side: side))]
        ch = m * base
        if attends(level) { mods.append(Entry(prefix: "\(name).1", module: .attention(channels: ch, side: side))) }
        if level > 0 && i == config.blocksPerLevel {
          mods.append(Entry(prefix: "\(name).\(mods.count).conv",
                            module: .upsample(channels: ch, side: side, outSide: sides[level - 1])))
        }
        output.append(Block(modules: mods, skipChannels: skip))
      }
    }
    self.sides = sides
    self.input = input
    skipSizes = input.map { b in
      let m = b.modules[b.modules.count - 1].module
      return m.outChannels * m.outSide * m.outSide
    }
    self.output = output
    headChannels = ch
  }

  /// Every module in execution order.
  var modules: [Module] { (input + [middle] + output).flatMap { $0.modules.map(\.module) } }

  /// GroupNorm groups for `channels` channels: the largest divisor of `channels` not above `limit`
  /// (ADM's 32 groups, fewer for narrow layers).
  static func groups(channels: Int, limit: Int) -> Int {
    var g = max(1, min(limit, channels))
    while channels % g != 0 { g -= 1 }
    return g
  }
}
