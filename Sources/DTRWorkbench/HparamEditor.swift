import Foundation
import DTRTraining

/// The hyperparameter editor's state: the field being edited and the text typed into it, validated as
/// it is typed with `Hyperparameter.validationError`.
public struct HparamEditor: Sendable, Equatable {
  /// The field edited.
  public private(set) var field: Hyperparameter
  /// The text typed so far.
  public private(set) var text: String

  /// An editor on `field`, starting from `value` (the staged or current value).
  public init(field: Hyperparameter, value: Double?) {
    self.field = field
    text = value.map(Self.format) ?? ""
  }

  /// Editing text for a value: up to 4 significant digits.
  public static func format(_ v: Double) -> String { String(format: "%.4g", v) }

  /// The typed value, when the text is a number.
  public var value: Double? { Double(text) }

  /// Why the typed text cannot be staged, or nil when it can.
  public var error: String? {
    if text.isEmpty { return "type a value for \(field.rawValue)" }
    guard let v = value else { return "\"\(text)\" is not a number" }
    return field.validationError(v)
  }

  /// Moves to another field, starting from its value.
  public mutating func select(_ f: Hyperparameter, value: Double?) {
    field = f
    text = value.map(Self.format) ?? ""
  }

  /// Types one character (digits, `.`, `e`, and a sign right after `e`).
  public mutating func type(_ c: Character) {
    guard KeyTable.isValueCharacter(c) || ((c == "-" || c == "+") && expectsExponentSign) else { return }
    if text.count < 24 { text.append(c) }
  }

  /// Whether a `+`/`-` now types an exponent sign rather than nudging.
  public var expectsExponentSign: Bool { text.last == "e" || text.last == "E" }

  /// Deletes the last character.
  public mutating func deleteBackward() {
    if !text.isEmpty { text.removeLast() }
  }

  /// Nudges the value one step up or down: α by 0.25 (not below 0.25), β by 0.05 (within 0.05…1),
  /// lr by a factor 10^(1/4). Starts from `fallback` when the text is not a number.
  public mutating func nudge(up: Bool, fallback: Double?) {
    guard let v = value ?? fallback else { return }
    let next: Double
    switch field {
    case .alpha: next = max(0.25, ((v + (up ? 0.25 : -0.25)) * 4).rounded() / 4)
    case .beta: next = min(1, max(0.05, ((v + (up ? 0.05 : -0.05)) * 20).rounded() / 20))
    case .lr: next = v * pow(10, up ? 0.25 : -0.25)
    }
    text = Self.format(next)
  }
}
