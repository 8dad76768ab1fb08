import Foundation

/// Installs signal handlers without overriding an "ignore" the process inherited (SIGHUP under `nohup`).
public enum SignalHandler {
  /// Installs `handler` for `signal` unless the signal is ignored; returns the previous handler, or nil
  /// when the signal stays ignored (nothing to restore).
  @discardableResult
  public static func install(_ sig: Int32, _ handler: @convention(c) (Int32) -> Void) -> sighandler_t?? {
    let old = signal(sig, handler)
    guard unsafeBitCast(old, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) else {
      signal(sig, SIG_IGN)
      return nil
    }
    return .some(old)
  }
}
