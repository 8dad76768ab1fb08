import Foundation

/// Writes `text` to stderr. A write that fails (the terminal was closed, the reader of a pipe left) is
/// dropped: a progress line must never end a training run (`FileHandle.write` traps on such errors).
func writeStderr(_ text: String) {
  fputs(text, stderr)
}
