/// The comparison view's key table: the controller dispatches through it and its `?` help is drawn
/// from it. Watching never steers, so no key here sends anything to a run.
public enum ComparisonKeyTable {
  /// Every binding, in help order.
  public static let bindings: [ComparisonBinding] = [
    ComparisonBinding([.char("?"), .f1], "show or hide the keys", .toggleHelp),
    ComparisonBinding([.char("q")], "quit (the runs go on)", .quit),
    ComparisonBinding((1...9).map { .char(Character(String($0))) }, "show or hide arm 1…9 (the numbers in the legend)", .toggleArm,
                      label: "1…9"),
    ComparisonBinding([.char("0")], "show every arm", .showAllArms),
    ComparisonBinding([.char("m")], "curves: mean over seeds / one curve per seed", .toggleSeeds),
    ComparisonBinding([.char("w")], "loss smoothing: cycle the EMA weight 0 / 0.6 / 0.9 / 0.99", .cycleSmoothing),
    ComparisonBinding([.char("t")], "cycle colour themes", .cycleTheme),
    ComparisonBinding([.ctrlL], "redraw the screen", .redraw),
  ]

  /// The binding for `key`.
  public static func binding(for key: Key) -> ComparisonBinding? { bindings.first { $0.keys.contains(key) } }
}
