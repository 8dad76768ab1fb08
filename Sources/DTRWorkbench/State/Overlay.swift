/// The modal layer above the panels.
public enum Overlay: Sendable, Equatable {
  case none, help, editor(HparamEditor), confirm(Confirmation)
}
