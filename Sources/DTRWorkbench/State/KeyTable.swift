import DTRTraining

/// A key press, independent of ncurses.
public enum Key: Hashable, Sendable {
  case char(Character)
  case up, down, left, right, enter, escape, backspace, tab, backTab, f1, ctrlL, resize

  /// How the key is written in the help overlay.
  public var label: String {
    switch self {
    case .char(let c): return String(c)
    case .up: return "Up"
    case .down: return "Down"
    case .left: return "Left"
    case .right: return "Right"
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .backspace: return "Bksp"
    case .tab: return "Tab"
    case .backTab: return "S-Tab"
    case .f1: return "F1"
    case .ctrlL: return "C-l"
    case .resize: return "resize"
    }
  }
}

/// What a key does. The controller carries them out; the help overlay only reads their descriptions.
public enum Action: Hashable, Sendable {
  // main screen
  case toggleHelp, quit, pause, pauseNow, edit(Hyperparameter), unstageAll, saveCheckpoint, stop
  case cycleSmoothing, toggleLogY, zoomIn, zoomOut, moveCursor(dt: Int, dc: Int), block(Int), scrubSamples(Int)
  case toggleHeatScale, cycleTheme, redraw, expand(PanelID?)
  // editor
  case nextField, previousField, nudgeUp, nudgeDown, typeText, deleteChar, stageValue, unstageField, closeEditor
  // confirmation dialog
  case confirm, cancel
}

/// One entry of the key table: the keys, what they do, and whether they work in read-only mode.
public struct KeyBinding: Sendable {
  /// Where a binding applies.
  public enum Scope: String, Sendable, CaseIterable {
    case main = "Workbench", editor = "Hyperparameter editor", dialog = "Confirmation"
  }

  /// The keys that trigger the binding.
  public let keys: [Key]
  /// The keys as shown in help (defaults to the keys' labels joined by "/").
  public let label: String
  /// What the binding does, as help shows it.
  public let help: String
  /// What the controller does, and in which scope.
  public let action: Action
  public let scope: Scope
  /// Whether the binding works when the session is read-only (`dtr watch`): steering keys do not.
  public let readOnly: Bool

  init(_ keys: [Key], _ help: String, _ action: Action, _ scope: Scope = .main, readOnly: Bool = true,
       label: String? = nil) {
    self.keys = keys
    self.label = label ?? keys.map(\.label).joined(separator: "/")
    self.help = help
    self.action = action
    self.scope = scope
    self.readOnly = readOnly
  }
}

/// The one key table: the controller dispatches through it and the `?` overlay is generated from it.
public enum KeyTable {
  /// Every binding, in help order.
  public static let bindings: [KeyBinding] = [
    KeyBinding([.char("?"), .f1], "show or hide this help", .toggleHelp),
    KeyBinding([.char("q")], "quit (asks first while training: the trainer stops and checkpoints)", .quit),
    KeyBinding([.char("p")], "pause at epoch end; again: pause now; when paused: resume", .pause, readOnly: false),
    KeyBinding([.char("P")], "pause now (after this step)", .pauseNow, readOnly: false),
    KeyBinding([.char("e"), .char("a")], "edit alpha (the editor also holds beta and lr)", .edit(.alpha), readOnly: false),
    KeyBinding([.char("b")], "edit beta", .edit(.beta), readOnly: false),
    KeyBinding([.char("l")], "edit lr", .edit(.lr), readOnly: false),
    KeyBinding([.char("u")], "drop all staged changes", .unstageAll, readOnly: false),
    KeyBinding([.char("s")], "save a checkpoint now", .saveCheckpoint, readOnly: false),
    KeyBinding([.char("x")], "stop training (asks y/n; writes a checkpoint)", .stop, readOnly: false),
    KeyBinding([.char("w")], "loss smoothing: cycle EMA weight 0 / 0.6 / 0.9 / 0.99", .cycleSmoothing),
    KeyBinding([.char("y")], "loss chart: toggle log y", .toggleLogY),
    KeyBinding([.char("z")], "loss chart: zoom in on the latest steps", .zoomIn),
    KeyBinding([.char("Z")], "loss chart: zoom out", .zoomOut),
    KeyBinding([.up], "mask cursor: earlier timestep", .moveCursor(dt: -1, dc: 0)),
    KeyBinding([.down], "mask cursor: later timestep", .moveCursor(dt: 1, dc: 0)),
    KeyBinding([.left], "mask cursor: lower channel", .moveCursor(dt: 0, dc: -1)),
    KeyBinding([.right], "mask cursor: higher channel", .moveCursor(dt: 0, dc: 1)),
    KeyBinding([.char("n")], "masks: next routed block (random routing, UNet)", .block(1)),
    KeyBinding([.char("N")], "masks: previous block", .block(-1)),
    KeyBinding([.char("[")], "samples: older grid", .scrubSamples(-1)),
    KeyBinding([.char("]")], "samples: newer grid (past the newest: follow)", .scrubSamples(1)),
    KeyBinding([.char("c")], "per-timestep loss: global / per-bucket colour scale", .toggleHeatScale),
    KeyBinding([.char("t")], "cycle colour themes", .cycleTheme),
    KeyBinding([.ctrlL], "redraw the screen", .redraw),
  ] + PanelID.allCases.map { p in
    KeyBinding([.char(Character(String(p.rawValue)))], "expand \(p.title) to the whole screen (again: back)", .expand(p))
  } + [
    KeyBinding([.char("0"), .escape], "show all panels", .expand(nil)),

    KeyBinding([.tab], "next field", .nextField, .editor),
    KeyBinding([.backTab], "previous field", .previousField, .editor),
    KeyBinding([.up], "nudge up (alpha +0.25, beta +0.05, lr x10^(1/4))", .nudgeUp, .editor),
    KeyBinding([.down], "nudge down", .nudgeDown, .editor),
    KeyBinding([], "type a value (the first key replaces it)", .typeText, .editor, label: "0-9 . e +-"),
    KeyBinding([.backspace], "delete a character", .deleteChar, .editor),
    KeyBinding([.enter], "stage the value: applies at the next epoch (at once when paused)", .stageValue, .editor),
    KeyBinding([.char("u")], "drop this field's staged change", .unstageField, .editor),
    KeyBinding([.escape], "close the editor (staged changes stay)", .closeEditor, .editor),

    KeyBinding([.char("y")], "yes", .confirm, .dialog),
    KeyBinding([.char("n"), .escape], "no", .cancel, .dialog),
  ]

  /// The binding for `key` in `scope`.
  public static func binding(for key: Key, in scope: KeyBinding.Scope) -> KeyBinding? {
    bindings.first { $0.scope == scope && $0.keys.contains(key) }
  }

  /// Characters the editor accepts as typed text.
  public static func isValueCharacter(_ c: Character) -> Bool { c.isNumber || c == "." || c == "e" || c == "E" }
}
