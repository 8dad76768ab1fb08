/// One entry of the key table: the keys, what they do, and whether they work in read-only mode.
public struct KeyBinding: Sendable {
  /// Where a binding applies.
  public enum Scope: String, Sendable, CaseIterable {
    case main = "Workbench", help = "This help", editor = "Hyperparameter editor", dialog = "Confirmation"
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
