import Foundation

/// One line of `RUN/control.jsonl`: a command for the run's trainer, with the id its answer will name
/// (the `command` event). The format is documented in docs/control.md.
public struct ControlCommand: Sendable, Equatable {
  /// Chosen by the sender, unique among its commands (e.g. `host-pid-seq`).
  public var id: String
  /// What to do.
  public var command: TrainerCommand

  /// A command with its id.
  public init(id: String, _ command: TrainerCommand) {
    self.id = id
    self.command = command
  }

  /// The `cmd` word of a command: `pause`, `resume`, `stage`, `unstage`, `save`, `stop`.
  public static func word(_ c: TrainerCommand) -> String {
    switch c {
    case .pauseAtEpochEnd, .pauseNow: return "pause"
    case .resume: return "resume"
    case .stage: return "stage"
    case .unstage: return "unstage"
    case .saveCheckpoint: return "save"
    case .stop: return "stop"
    }
  }

  /// The JSON object of a line.
  private struct Wire: Codable {
    var id: String?
    var cmd: String?
    var at: String?
    var name: String?
    var value: Double?
  }

  /// One compact JSON line without the newline, e.g. `{"cmd":"stage","id":"a-1","name":"beta","value":0.5}`.
  public var line: String {
    var w = Wire(id: id, cmd: Self.word(command))
    switch command {
    case .pauseAtEpochEnd: w.at = "epoch"
    case .pauseNow: w.at = "now"
    case .stage(let h, let v): (w.name, w.value) = (h.rawValue, v)
    case .unstage(let h): w.name = h.rawValue
    case .resume, .saveCheckpoint, .stop: break
    }
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return String(decoding: (try? e.encode(w)) ?? Data(), as: UTF8.self)
  }

  /// Parses a line, or explains in one line why it is not a command.
  public static func parse(_ line: Substring) -> Result<ControlCommand, TrainingError> {
    guard let w = try? JSONDecoder().decode(Wire.self, from: Data(line.utf8)) else {
      return .failure(TrainingError("not a JSON object of strings and numbers"))
    }
    guard let id = w.id, !id.isEmpty else { return .failure(TrainingError("no \"id\" string")) }
    let name = w.name.flatMap(Hyperparameter.init(rawValue:))
    let command: TrainerCommand
    switch w.cmd {
    case "pause":
      switch w.at ?? "epoch" {
      case "epoch": command = .pauseAtEpochEnd
      case "now": command = .pauseNow
      default: return .failure(TrainingError("pause \"at\" must be epoch or now"))
      }
    case "resume": command = .resume
    case "stage":
      guard let name, let value = w.value else {
        return .failure(TrainingError("stage needs \"name\" (alpha, beta or lr) and a numeric \"value\""))
      }
      command = .stage(name, value)
    case "unstage":
      guard let name else { return .failure(TrainingError("unstage needs \"name\" (alpha, beta or lr)")) }
      command = .unstage(name)
    case "save": command = .saveCheckpoint
    case "stop": command = .stop
    default: return .failure(TrainingError("unknown \"cmd\"; use pause, resume, stage, unstage, save or stop"))
    }
    return .success(ControlCommand(id: id, command))
  }
}
