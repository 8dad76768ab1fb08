import DTRModels
import DTRTraining

/// The workbench's whole state (the model plus how it is viewed) and its key handling. Pure: keys go in,
/// ``Effect``s come out, so steering is testable without a terminal or a trainer.
public struct WorkbenchController: Sendable {
  /// What the events said.
  public var model: WorkbenchModel
  /// Whether steering keys are disabled.
  public let readOnly: Bool
  /// Panel view states.
  public var loss = LossView()
  public var mask = MaskView()
  public var samples = SamplesView()
  public var affinity = AffinityView()
  public var perBucketHeat = false
  /// The panel shown alone on the whole screen, if any.
  public var expanded: PanelID?
  /// The open overlay.
  public var overlay = Overlay.none
  /// How many rows the help overlay is scrolled down (when it does not fit the screen).
  public private(set) var helpScroll = 0
  /// The screen the views were last fitted to.
  private var screen = Rect(x: 0, y: 0, width: 0, height: 0)
  /// A one-line message for the status bar (cleared by the next key).
  public var message: (text: String, isError: Bool)?
  /// True once the user asked to quit and the trainer was told to stop.
  public private(set) var leaving = false
  /// Whether `q` leaves the run going (`dtr attach`) rather than stopping it (the workbench of `dtr train`).
  public let detaches: Bool

  /// A controller for a fresh model.
  public init(model: WorkbenchModel, readOnly: Bool, detaches: Bool = false) {
    self.model = model
    self.readOnly = readOnly
    self.detaches = detaches
  }

  /// The key scope in force.
  public var scope: KeyBinding.Scope {
    switch overlay {
    case .editor: return .editor
    case .confirm: return .dialog
    case .none, .help: return .main
    }
  }

  /// Whether commands can reach a trainer.
  public var canSteer: Bool { !readOnly && !model.hasEnded }

  /// Fits the view states to a `width × height` frame and to what the model holds now, so that panels
  /// draw them as they are: the mask cursor inside its block's table, moving one drawn pixel per key, the
  /// loss chart's y range (which shrinks only with hysteresis) and the help's scroll. The UI loop calls it
  /// before each frame.
  public mutating func fit(width: Int, height: Int) {
    screen = Rect(x: 0, y: 0, width: width, height: height)
    if overlay == .help { helpScroll = HelpOverlay.page(readOnly: readOnly, screen: screen, scroll: helpScroll).scroll }
    if let layout = Layout(width: width, height: height), let config = model.config {
      mask = mask.fitted(blocks: config.routedBlocks, browsable: config.browsableBlocks, timesteps: config.timesteps ?? 1,
                         area: MaskPanel.heatmapArea(layout.rect(.masks, expanded: expanded)))
    }
    affinity = affinity.fitted(buckets: model.affinity?.buckets ?? 0)
    if let window = LossPanel.window(model, loss) { loss.scale = window.scale }
  }

  /// Handles one key.
  public mutating func handle(_ key: Key) -> [Effect] {
    message = nil
    if key == .resize { return [] }
    if case .help = overlay {
      if let b = KeyTable.binding(for: key, in: .help) { return perform(b.action) }
      overlay = .none
      if key == .char("?") || key == .f1 || key == .escape || key == .char("q") { return [] }
    }
    if case .editor(var editor) = overlay, KeyTable.binding(for: key, in: .editor) == nil {
      if case .char(let c) = key, let refused = editor.type(c) { message = (refused, true) }
      overlay = .editor(editor)
      return []
    }
    guard let binding = KeyTable.binding(for: key, in: scope) else { return [] }
    if !binding.readOnly && !canSteer {
      message = (readOnly ? "read-only: watching \(model.runDirectory)" : "the run has ended", true)
      return []
    }
    return perform(binding.action)
  }

  /// Asks the trainer to stop (when it can be steered) and the UI to leave once the run has ended:
  /// what a confirmed quit, Ctrl-C and SIGTERM do.
  public mutating func stopAndLeave() -> [Effect] {
    leaving = true
    return (canSteer ? send(.stop) : []) + [.leaveAfterStop]
  }

  /// The run's network with its current α and β, for the editor's rule.
  private var routedModel: ModelConfig? {
    guard var m = model.config?.model else { return nil }
    m.alpha = model.staged[.alpha]?.value ?? model.alpha ?? m.alpha
    m.beta = model.staged[.beta]?.value ?? model.beta ?? m.beta
    return m
  }

  private mutating func stage(_ h: Hyperparameter, _ v: Double) -> [Effect] {
    let effects = send(.stage(h, v))
    let value = "\(h.rawValue) = \(HparamEditor.format(v))"
    message = (model.runState == .paused ? "\(value) applies at once (the run is paused)"
      : "staged \(value): applies from epoch \(model.staged[h]?.epoch ?? model.nextEpoch) (Esc closes the editor)", false)
    return effects
  }

  private mutating func send(_ command: TrainerCommand) -> [Effect] {
    model.noteSent(command)
    return [.send(command)]
  }

  private mutating func perform(_ action: Action) -> [Effect] {
    switch action {
    case .toggleHelp:
      overlay = .help
      helpScroll = 0
    case .scrollHelp(let rows):
      helpScroll = HelpOverlay.page(readOnly: readOnly, screen: screen, scroll: helpScroll + rows).scroll
    case .pageHelp(let pages):
      let page = HelpOverlay.page(readOnly: readOnly, screen: screen, scroll: helpScroll)
      helpScroll = HelpOverlay.page(readOnly: readOnly, screen: screen, scroll: helpScroll + pages * page.visibleRows).scroll
    case .quit:
      if leaving || !canSteer || detaches { return [.leave] }
      overlay = .confirm(.quit)
    case .pause:
      switch model.runState {
      case .paused: return send(.resume)
      case .pausing: return send(.pauseNow)
      default:
        message = ("pausing at the end of this epoch (p again: pause now)", false)
        return send(.pauseAtEpochEnd)
      }
    case .pauseNow:
      return send(model.runState == .paused ? .resume : .pauseNow)
    case .edit(let h):
      overlay = .editor(HparamEditor(field: h, value: model.staged[h]?.value ?? model.value(of: h), model: routedModel))
    case .unstageAll:
      guard !model.staged.isEmpty else {
        message = ("nothing is staged", false)
        return []
      }
      return model.staged.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { send(.unstage($0)) }
    case .saveCheckpoint:
      message = ("checkpoint requested", false)
      return send(.saveCheckpoint)
    case .stop:
      overlay = .confirm(.stop)
    case .cycleSmoothing:
      loss.weightIndex = (loss.weightIndex + 1) % Smoothing.weights.count
    case .toggleLogY:
      loss.logY.toggle()
      loss.scale = AutoScale()
    case .zoomIn:
      loss.zoomIn(totalSteps: model.lossHistory.lastStep ?? 0)
    case .zoomOut:
      loss.zoomOut(totalSteps: model.lossHistory.lastStep ?? 0)
    case .moveCursor(let dt, let dc) where expanded == .affinity:
      affinity.move(di: dt, dj: dc, buckets: model.affinity?.buckets ?? 0)
    case .moveCursor(let dt, let dc):
      let blocks = model.config?.routedBlocks ?? []
      let channels = blocks.indices.contains(mask.block) ? blocks[mask.block].channels : 1
      mask.move(dt: dt, dc: dc, timesteps: model.config?.timesteps ?? 1, channels: channels)
    case .block(let d):
      let blocks = model.config?.browsableBlocks ?? 1
      mask.block = ((mask.block + d) % blocks + blocks) % blocks
    case .scrubSamples(let d):
      samples.scrub(by: d, count: model.sampleGrids.count)
    case .toggleHeatScale:
      perBucketHeat.toggle()
    case .toggleAffinityMatrix:
      affinity.lookahead.toggle()
    case .cycleTheme:
      return [.cycleTheme]
    case .redraw:
      return [.redraw]
    case .expand(let p):
      expanded = p == expanded ? nil : p
    case .nextField, .previousField:
      guard case .editor(var editor) = overlay else { return [] }
      let all = Hyperparameter.allCases
      let i = all.firstIndex(of: editor.field)! + (action == .nextField ? 1 : all.count - 1)
      let f = all[i % all.count]
      editor.select(f, value: model.staged[f]?.value ?? model.value(of: f))
      overlay = .editor(editor)
    case .nudgeUp, .nudgeDown:
      guard case .editor(var editor) = overlay else { return [] }
      editor.nudge(up: action == .nudgeUp, fallback: model.value(of: editor.field))
      overlay = .editor(editor)
    case .deleteChar:
      guard case .editor(var editor) = overlay else { return [] }
      editor.deleteBackward()
      overlay = .editor(editor)
    case .stageValue:
      guard case .editor(let editor) = overlay else { return [] }
      if let why = editor.error {
        message = (why, true)
        return []
      }
      if editor.needsConfirmation {
        overlay = .confirm(.stage(editor.field, editor.value!))
        return []
      }
      return stage(editor.field, editor.value!)
    case .unstageField:
      guard case .editor(let editor) = overlay, model.staged[editor.field] != nil else { return [] }
      return send(.unstage(editor.field))
    case .closeEditor:
      overlay = .none
    case .confirm:
      guard case .confirm(let what) = overlay else { return [] }
      overlay = .none
      switch what {
      case .quit: return stopAndLeave()
      case .stop: return send(.stop)
      case .stage(let h, let v): return stage(h, v)
      }
    case .cancel:
      overlay = .none
    case .typeText:
      break
    }
    return []
  }
}
