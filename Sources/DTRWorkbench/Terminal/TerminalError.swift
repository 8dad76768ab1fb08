/// Why the workbench could not take over the terminal.
public struct TerminalError: Error, CustomStringConvertible {
  public let description: String
}
