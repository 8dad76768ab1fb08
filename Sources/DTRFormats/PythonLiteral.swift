/// The subset of Python literal syntax used in `.npy` headers: dicts with string keys, strings,
/// `True`/`False`/`None`, integers (an old `L` suffix allowed) and tuples or lists.
enum PythonLiteral: Equatable {
  case string(String)
  case bool(Bool)
  case none
  case int(Int)
  case sequence([PythonLiteral])
  case dict([String: PythonLiteral])

  /// Parses `text`, which must hold exactly one literal (surrounding whitespace allowed); the thrown
  /// message says what was expected where.
  static func parse(_ text: String) throws(ParseError) -> PythonLiteral {
    var parser = Parser(chars: Array(text.unicodeScalars))
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.at >= parser.chars.count else { throw parser.error("unexpected text after the literal") }
    return value
  }

  /// A parse failure with its message.
  struct ParseError: Error {
    let message: String
  }

  /// A recursive-descent parser over Unicode scalars.
  private struct Parser {
    let chars: [Unicode.Scalar]
    var at = 0

    /// The error `message` at the current position.
    func error(_ message: String) -> ParseError { ParseError(message: "\(message) at character \(at)") }

    /// The next scalar, if any.
    var peek: Unicode.Scalar? { at < chars.count ? chars[at] : nil }

    mutating func skipSpace() {
      while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { at += 1 }
    }

    /// Consumes `c` (after whitespace) if it is next; reports whether it was.
    mutating func take(_ c: Unicode.Scalar) -> Bool {
      skipSpace()
      guard peek == c else { return false }
      at += 1
      return true
    }

    mutating func value(depth: Int) throws(ParseError) -> PythonLiteral {
      guard depth < 16 else { throw error("literal nested too deeply") }
      skipSpace()
      switch peek {
      case "{": return try dict(depth: depth)
      case "(": return try sequence(close: ")", depth: depth)
      case "[": return try sequence(close: "]", depth: depth)
      case "'", "\"": return .string(try string())
      case let c? where c == "-" || c == "+" || ("0"..."9").contains(c): return .int(try integer())
      case let c? where c.properties.isAlphabetic: return try word()
      case nil: throw error("unexpected end of text")
      case let c?: throw error("unexpected character '\(c)'")
      }
    }

    /// `{key: value, ...}` with string keys and an optional trailing comma.
    mutating func dict(depth: Int) throws(ParseError) -> PythonLiteral {
      at += 1
      var result: [String: PythonLiteral] = [:]
      while !take("}") {
        skipSpace()
        guard peek == "'" || peek == "\"" else { throw error("expected a string key or '}'") }
        let key = try string()
        guard take(":") else { throw error("expected ':' after key '\(key)'") }
        guard result.updateValue(try value(depth: depth + 1), forKey: key) == nil else {
          throw error("duplicate key '\(key)'")
        }
        guard take(",") || (skipAndPeek() == "}") else { throw error("expected ',' or '}'") }
      }
      return .dict(result)
    }

    /// `(a, b, ...)` or `[a, b, ...]` with an optional trailing comma.
    mutating func sequence(close: Unicode.Scalar, depth: Int) throws(ParseError) -> PythonLiteral {
      at += 1
      var items: [PythonLiteral] = []
      while !take(close) {
        items.append(try value(depth: depth + 1))
        guard take(",") || skipAndPeek() == close else { throw error("expected ',' or '\(close)'") }
      }
      return .sequence(items)
    }

    /// Skips whitespace and returns the next scalar.
    mutating func skipAndPeek() -> Unicode.Scalar? {
      skipSpace()
      return peek
    }

    /// A quoted string without escape sequences (which `.npy` headers never contain).
    mutating func string() throws(ParseError) -> String {
      let quote = chars[at]
      at += 1
      var s = String.UnicodeScalarView()
      while let c = peek, c != quote {
        guard c != "\\" else { throw error("escape sequences in strings are not supported") }
        s.append(c)
        at += 1
      }
      guard peek == quote else { throw error("unterminated string") }
      at += 1
      return String(s)
    }

    /// A decimal integer with optional sign and optional `L` suffix.
    mutating func integer() throws(ParseError) -> Int {
      var digits = ""
      if let c = peek, c == "-" || c == "+" {
        digits.unicodeScalars.append(c)
        at += 1
      }
      while let c = peek, ("0"..."9").contains(c) {
        digits.unicodeScalars.append(c)
        at += 1
      }
      guard let n = Int(digits) else { throw error("bad or too large integer '\(digits)'") }
      if peek == "L" { at += 1 }
      return n
    }

    /// `True`, `False` or `None`.
    mutating func word() throws(ParseError) -> PythonLiteral {
      var w = ""
      while let c = peek, c.properties.isAlphabetic {
        w.unicodeScalars.append(c)
        at += 1
      }
      switch w {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return .none
      default: throw error("unknown name '\(w)'")
      }
    }
  }
}
