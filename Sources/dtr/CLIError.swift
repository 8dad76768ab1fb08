/// A user-facing failure: printed as one `Error: …` line naming the problem and the fix; exit code 1.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
