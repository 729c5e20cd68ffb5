/// A parse failure with its position in the input.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "expected ',' or '}' after an object member, found ']'".
    public var message: String
    /// 1-based line (LF, CR LF and lone CR each end a line).
    public var line: Int
    /// 1-based column, counted in Unicode scalars of that line (a leading BOM is not counted).
    public var column: Int
    /// Byte offset of the offending byte in the input (0-based; a leading BOM counts).
    public var offset: Int

    public init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// "line 3, column 14: expected ',' or '}' after an object member, found ']'"
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Resource limits for `JSONParser`. Exceeding one is a `JSONParseError`.
public struct JSONLimits: Sendable, Equatable {
    /// Maximum nesting of arrays and objects (a scalar document has depth 0, `[]` depth 1).
    ///
    /// The parser itself is iterative, but destroying, comparing and writing a `JSONValue`
    /// recurse once per level: keep this in the low thousands at most (a 100,000-deep
    /// array overflows an 8 MB stack when it is released).
    public var maxDepth: Int
    /// Maximum input size in bytes.
    public var maxBytes: Int
    /// Maximum size of one decoded string or key, in UTF-8 bytes.
    public var maxStringBytes: Int

    public init(maxDepth: Int = 512, maxBytes: Int = 256 << 20, maxStringBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxStringBytes = maxStringBytes
    }
}

/// `canonicalBytes()` failure: the value contains something canonical JSON cannot
/// represent (a non-integer `.number`).
public struct JSONCanonicalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "canonical JSON has no floating-point numbers, found 1.5".
    public var message: String
    /// Where, as a JSONPath-like string: `$`, `$.signed.expires`, `$.keys[2]`, `$["a b"]`.
    public var path: String

    public init(message: String, path: String) {
        self.message = message
        self.path = path
    }

    /// "$.signed.x: canonical JSON has no floating-point numbers, found 1.5"
    public var description: String { "\(path): \(message)" }
}
