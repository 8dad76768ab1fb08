/// The comparison view's state (the model and how it is viewed) and its key handling. Pure: keys go in,
/// ``Effect``s come out (never a command: watching does not steer).
public struct ComparisonController: Sendable {
  /// What the cells' events and `results.json` said.
  public var model: ComparisonModel
  /// How it is shown.
  public var view = ComparisonView()
  /// A one-line message for the bottom line (cleared by the next key).
  public var message: (text: String, isError: Bool)?

  /// A controller showing every arm's mean curve.
  public init(model: ComparisonModel) { self.model = model }

  /// Handles one key.
  public mutating func handle(_ key: Key) -> [Effect] {
    message = nil
    if key == .resize { return [] }
    if view.showsHelp {
      view.showsHelp = false
      if key == .char("?") || key == .f1 || key == .escape || key == .char("q") { return [] }
    }
    guard let binding = ComparisonKeyTable.binding(for: key) else { return [] }
    switch binding.action {
    case .toggleHelp: view.showsHelp = true
    case .quit: return [.leave]
    case .toggleArm:
      guard case .char(let c) = key, let n = c.wholeNumberValue else { return [] }
      toggle(arm: n - 1)
    case .showAllArms: view.hidden = []
    case .toggleSeeds:
      view.perSeed.toggle()
      message = ("curves: \(view.modeLabel)", false)
    case .cycleSmoothing:
      view.weightIndex = (view.weightIndex + 1) % Smoothing.weights.count
      message = ("loss smoothing: ema \(Format.value(view.weight))", false)
    case .cycleTheme: return [.cycleTheme]
    case .redraw: return [.redraw]
    }
    return []
  }

  private mutating func toggle(arm i: Int) {
    guard model.arms.indices.contains(i) else {
      message = ("there is no arm \(i + 1): \(model.arms.count) arm\(model.arms.count == 1 ? "" : "s")", true)
      return
    }
    if view.hidden.remove(i) == nil { view.hidden.insert(i) }
    message = ("\(model.arms[i].name) \(view.hidden.contains(i) ? "hidden" : "shown")", false)
  }
}
