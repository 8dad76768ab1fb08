import DTRModels
import DTRTraining
import Foundation

/// The hyperparameter editor's state: the field being edited and the text typed into it, validated as
/// it is typed with the same rule the trainer applies (`Hyperparameter.validationError(_:for:)`).
public struct HparamEditor: Sendable, Equatable {
  /// The field edited.
  public private(set) var field: Hyperparameter
  /// The text typed so far.
  public private(set) var text: String
  /// The run's network with its current α and β, which the rule checks against (nil: not yet known).
  public let model: ModelConfig?
  /// Whether the text is still the value the field opened with: the first character typed replaces it.
  public private(set) var isPrefilled = true

  /// An editor on `field`, starting from `value` (the staged or current value).
  public init(field: Hyperparameter, value: Double?, model: ModelConfig?) {
    self.field = field
    self.model = model
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
    guard let model else { return field == .lr ? field.validationError(v, for: ModelConfig()) : "waiting for the run's configuration" }
    return field.validationError(v, for: model)
  }

  /// Whether staging the typed value should be confirmed first (an unusually large learning rate).
  public var needsConfirmation: Bool { field == .lr && (value ?? 0) > Hyperparameter.lrConfirmAbove }

  /// Moves to another field, starting from its value.
  public mutating func select(_ f: Hyperparameter, value: Double?) {
    field = f
    text = value.map(Self.format) ?? ""
    isPrefilled = true
  }

  /// Types one character: digits, `.`, `e`, and a sign where a sign can stand (the start of the number
  /// or right after `e`). The first character typed replaces the prefilled value. Returns why a
  /// character was refused, or nil.
  @discardableResult
  public mutating func type(_ c: Character) -> String? {
    if isPrefilled {
      text = ""
      isPrefilled = false
    }
    let signHere = text.isEmpty || text.last == "e" || text.last == "E"
    if c == "-" || c == "+" {
      guard signHere else { return "'\(c)' can only start the number or follow 'e'" }
    } else if !KeyTable.isValueCharacter(c) {
      return "'\(c)' is not part of a number"
    }
    guard text.count < 24 else { return "the value is too long" }
    text.append(c)
    return nil
  }

  /// Deletes the last character.
  public mutating func deleteBackward() {
    isPrefilled = false
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
    isPrefilled = false
  }
}
