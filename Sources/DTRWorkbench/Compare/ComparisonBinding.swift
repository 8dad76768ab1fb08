/// One entry of ``ComparisonKeyTable``: the keys, what they do as help says it, and the action.
public struct ComparisonBinding: Sendable {
  /// The keys that trigger the binding.
  public let keys: [Key]
  /// The keys as help shows them.
  public let label: String
  /// What the binding does, as help shows it.
  public let help: String
  /// What the controller does.
  public let action: ComparisonAction

  init(_ keys: [Key], _ help: String, _ action: ComparisonAction, label: String? = nil) {
    (self.keys, self.help, self.action) = (keys, help, action)
    self.label = label ?? keys.map(\.label).joined(separator: "/")
  }
}
