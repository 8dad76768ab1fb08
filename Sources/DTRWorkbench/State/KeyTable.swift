import DTRTraining

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
    KeyBinding([.up], "mask cursor: earlier timestep (task affinity shown: bucket i up)", .moveCursor(dt: -1, dc: 0)),
    KeyBinding([.down], "mask cursor: later timestep (task affinity shown: bucket i down)", .moveCursor(dt: 1, dc: 0)),
    KeyBinding([.left], "mask cursor: lower channel (task affinity shown: bucket j left)", .moveCursor(dt: 0, dc: -1)),
    KeyBinding([.right], "mask cursor: higher channel (task affinity shown: bucket j right)", .moveCursor(dt: 0, dc: 1)),
    KeyBinding([.char("n")], "masks: next routed block (random routing, UNet)", .block(1)),
    KeyBinding([.char("N")], "masks: previous block", .block(-1)),
    KeyBinding([.char("[")], "samples: older grid", .scrubSamples(-1)),
    KeyBinding([.char("]")], "samples: newer grid (past the newest: follow)", .scrubSamples(1)),
    KeyBinding([.char("c")], "per-timestep loss: global / per-bucket colour scale", .toggleHeatScale),
    KeyBinding([.char("m")], "task affinity: gradient cosine / lookahead matrix", .toggleAffinityMatrix),
    KeyBinding([.char("t")], "cycle colour themes", .cycleTheme),
    KeyBinding([.ctrlL], "redraw the screen", .redraw),
  ] + PanelID.allCases.map { p in
    KeyBinding([.char(Character(String(p.rawValue)))], "expand \(p.title) to the whole screen (again: back)", .expand(p))
  } + [
    KeyBinding([.char("0"), .escape], "show all panels", .expand(nil)),

    KeyBinding([.up], "scroll up a line", .scrollHelp(-1), .help),
    KeyBinding([.down], "scroll down a line", .scrollHelp(1), .help),
    KeyBinding([.pageUp], "scroll up a page", .pageHelp(-1), .help),
    KeyBinding([.pageDown], "scroll down a page", .pageHelp(1), .help),

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
