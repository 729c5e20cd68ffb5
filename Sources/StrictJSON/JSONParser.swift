/// A strict RFC 8259 JSON parser with located errors.
///
/// - exactly one value, optionally surrounded by space, tab, LF, CR; a leading UTF-8 BOM is skipped
/// - no comments, trailing commas, single quotes, NaN/Infinity, leading zeros, `+1`, `.5`, `1.`
/// - strings must be valid UTF-8 without raw control characters; escapes are exactly
///   `\" \\ \/ \b \f \n \r \t \uXXXX`, surrogate pairs are combined, lone surrogates are errors
/// - duplicate keys in one object are errors (keys compared by Unicode scalars)
/// - integers that fit `Int64` (no fraction, no exponent) are `.integer`, other numbers `.number`;
///   numbers beyond the range of `Double` (`1e400`) are errors
/// - nesting deeper than `limits.maxDepth` is an error; the parser is iterative, so no
///   input can overflow the stack
public enum JSONParser {
    /// Parses UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .init()) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buf in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buf, limits: limits) }
        }
        return try result.get()
    }

    /// Parses a string (positions refer to its UTF-8 encoding).
    public static func parse(_ text: String, limits: JSONLimits = .init()) throws(JSONParseError) -> JSONValue {
        if let result = text.utf8.withContiguousStorageIfAvailable({ buf in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buf, limits: limits) }
        }) {
            return try result.get()
        }
        return try parse(Array(text.utf8), limits: limits)
    }

    /// Parses UTF-8 bytes in place.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits = .init()) throws(JSONParseError) -> JSONValue {
        var parser = Parser(buffer: buffer, limits: limits)
        return try parser.parseDocument()
    }
}

// MARK: - Implementation

private struct Frame {
    let isObject: Bool
    let valueStart: Int
    let keyStart: Int
    let open: Int
    var index: [JSONKey: Int]?
}

/// Exact powers of ten for the fast number path.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

private struct Parser {
    let buf: UnsafeBufferPointer<UInt8>
    let end: Int
    let limits: JSONLimits
    var pos = 0
    var bodyStart = 0
    var values: [JSONValue] = []
    var keys: [String] = []
    var frames: [Frame] = []
    var scratch: [UInt8] = []

    init(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.buf = buffer
        self.end = buffer.count
        self.limits = limits
    }

    // MARK: Document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if end > limits.maxBytes {
            throw error("input is \(end) bytes, more than the limit of \(limits.maxBytes) bytes", at: 0)
        }
        if end >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF {
            pos = 3
            bodyStart = 3
        }
        var value: JSONValue
        parseValue: while true {
            skipWhitespace()
            guard pos < end else { throw expectedValueError() }
            switch buf[pos] {
            case 0x7B:  // {
                try pushFrame(isObject: true)
                pos += 1
                skipWhitespace()
                if pos < end && buf[pos] == 0x7D {
                    pos += 1
                    frames.removeLast()
                    value = .object(JSONObject())
                } else {
                    try parseMemberKey(afterComma: false)
                    continue parseValue
                }
            case 0x5B:  // [
                try pushFrame(isObject: false)
                pos += 1
                skipWhitespace()
                if pos < end && buf[pos] == 0x5D {
                    pos += 1
                    frames.removeLast()
                    value = .array([])
                } else {
                    continue parseValue
                }
            case 0x22:  // "
                value = .string(try parseString())
            case 0x74:  // t
                try expectLiteral("true")
                value = .bool(true)
            case 0x66:  // f
                try expectLiteral("false")
                value = .bool(false)
            case 0x6E:  // n
                try expectLiteral("null")
                value = .null
            case 0x2D, 0x30...0x39:
                value = try parseNumber()
            default:
                throw expectedValueError()
            }

            // A value is complete: attach it to the enclosing container, closing containers
            // for as long as their closing bracket follows.
            while true {
                let depth = frames.count
                if depth == 0 {
                    skipWhitespace()
                    if pos < end {
                        throw error("expected end of input after the JSON value, found \(describe(pos))", at: pos)
                    }
                    return value
                }
                values.append(value)
                skipWhitespace()
                let isObject = frames[depth - 1].isObject
                guard pos < end else {
                    let expected = isObject ? "expected ',' or '}' after an object member" : "expected ',' or ']' after an array element"
                    throw error("\(expected), found end of input\(unclosedNote())", at: pos)
                }
                let c = buf[pos]
                if isObject {
                    if c == 0x2C {
                        pos += 1
                        try parseMemberKey(afterComma: true)
                        continue parseValue
                    }
                    if c == 0x7D {
                        pos += 1
                        value = .object(closeObject())
                        continue
                    }
                    throw error("expected ',' or '}' after an object member, found \(describe(pos))", at: pos)
                } else {
                    if c == 0x2C {
                        pos += 1
                        continue parseValue
                    }
                    if c == 0x5D {
                        pos += 1
                        value = .array(closeArray())
                        continue
                    }
                    throw error("expected ',' or ']' after an array element, found \(describe(pos))", at: pos)
                }
            }
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = buf[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                pos += 1
            } else {
                return
            }
        }
    }

    // MARK: Containers

    mutating func pushFrame(isObject: Bool) throws(JSONParseError) {
        if frames.count >= limits.maxDepth {
            throw error("nesting depth exceeds the limit of \(limits.maxDepth)", at: pos)
        }
        frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count, open: pos, index: nil))
    }

    mutating func closeArray() -> [JSONValue] {
        let frame = frames.removeLast()
        if frame.valueStart == 0 {
            var result: [JSONValue] = []
            swap(&result, &values)
            return result
        }
        let result = Array(values[frame.valueStart...])
        values.removeSubrange(frame.valueStart...)
        return result
    }

    mutating func closeObject() -> JSONObject {
        let frame = frames.removeLast()
        var objectKeys: [String] = []
        var objectValues: [JSONValue] = []
        if frame.keyStart == 0 {
            swap(&objectKeys, &keys)
        } else {
            objectKeys = Array(keys[frame.keyStart...])
            keys.removeSubrange(frame.keyStart...)
        }
        if frame.valueStart == 0 {
            swap(&objectValues, &values)
        } else {
            objectValues = Array(values[frame.valueStart...])
            values.removeSubrange(frame.valueStart...)
        }
        return JSONObject(uniqueKeys: objectKeys, values: objectValues, index: frame.index)
    }

    /// Parses `"key"` and the following `:`, checking for duplicates.
    mutating func parseMemberKey(afterComma: Bool) throws(JSONParseError) {
        skipWhitespace()
        guard pos < end, buf[pos] == 0x22 else {
            let context = afterComma ? "expected a string key after ','" : "expected a string key or '}'"
            if pos >= end {
                throw error("\(context), found end of input\(unclosedNote())", at: pos)
            }
            let c = buf[pos]
            var hint = ""
            if afterComma && c == 0x7D {
                hint = " (trailing commas are not allowed)"
            } else if c == 0x27 || isASCIILetter(c) || c == 0x5F || c == 0x24 {
                hint = " (object keys must be double-quoted strings)"
            }
            throw error("\(context), found \(describe(pos))\(hint)", at: pos)
        }
        let keyOffset = pos
        let key = try parseString()
        let fi = frames.count - 1
        let keyStart = frames[fi].keyStart
        let n = keys.count - keyStart
        if frames[fi].index != nil {
            if frames[fi].index!.updateValue(n, forKey: JSONKey(key)) != nil {
                throw duplicateKeyError(key, at: keyOffset)
            }
        } else {
            var i = keyStart
            while i < keys.count {
                if utf8Equal(keys[i], key) { throw duplicateKeyError(key, at: keyOffset) }
                i += 1
            }
            if n + 1 >= JSONObject.indexThreshold {
                var index = [JSONKey: Int](minimumCapacity: 2 * JSONObject.indexThreshold)
                for j in keyStart..<keys.count { index[JSONKey(keys[j])] = j - keyStart }
                index[JSONKey(key)] = n
                frames[fi].index = index
            }
        }
        keys.append(key)
        skipWhitespace()
        guard pos < end, buf[pos] == 0x3A else {
            let note = pos >= end ? unclosedNote() : ""
            throw error("expected ':' after the object key \(shortQuoted(key)), found \(describe(pos))\(note)", at: pos)
        }
        pos += 1
    }

    func duplicateKeyError(_ key: String, at offset: Int) -> JSONParseError {
        error("duplicate key \(shortQuoted(key)) in object", at: offset)
    }

    // MARK: Literals

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let n = literal.utf8CodeUnitCount
        let lit = literal.utf8Start
        var ok = pos + n <= end
        if ok {
            for i in 0..<n where buf[pos + i] != lit[i] {
                ok = false
                break
            }
        }
        if !ok {
            // Show the word that was found (letters only, at most 20).
            var e = pos
            while e < end && e - pos < 20 && isASCIILetter(buf[e]) { e += 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: buf[pos..<e]), as: UTF8.self)
            throw error("invalid literal '\(word)', expected '\(literal)'", at: pos)
        }
        pos += n
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var negative = false
        if buf[pos] == 0x2D {
            negative = true
            pos += 1
        }
        guard pos < end, isDigit(buf[pos]) else {
            var hint = ""
            if pos < end && buf[pos] == 0x49 { hint = " (Infinity is not allowed in JSON)" }
            throw error("expected a digit after '-', found \(describe(pos))\(hint)", at: pos)
        }
        let safeLimit: UInt64 = (UInt64.max - 9) / 10
        var mantissa: UInt64 = 0
        var truncated = false  // a nonzero digit did not fit into `mantissa`
        var droppedIntegerDigits = 0
        var fractionDigits = 0
        var isInteger = true

        if buf[pos] == 0x30 {
            pos += 1
            if pos < end && isDigit(buf[pos]) {
                throw error("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            while pos < end {
                let c = buf[pos]
                guard c >= 0x30 && c <= 0x39 else { break }
                if mantissa <= safeLimit {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                } else {
                    droppedIntegerDigits += 1
                    if c != 0x30 { truncated = true }
                }
                pos += 1
            }
        }
        if pos < end && buf[pos] == 0x2E {  // .
            isInteger = false
            pos += 1
            guard pos < end, isDigit(buf[pos]) else {
                throw error("expected a digit after the decimal point, found \(describe(pos))", at: pos)
            }
            while pos < end {
                let c = buf[pos]
                guard c >= 0x30 && c <= 0x39 else { break }
                if mantissa <= safeLimit {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                    fractionDigits += 1
                } else if c != 0x30 {
                    truncated = true
                }
                pos += 1
            }
        }
        var exponent = 0
        var exponentSaturated = false
        if pos < end && (buf[pos] == 0x65 || buf[pos] == 0x45) {  // e E
            isInteger = false
            pos += 1
            var expNegative = false
            if pos < end && (buf[pos] == 0x2B || buf[pos] == 0x2D) {
                expNegative = buf[pos] == 0x2D
                pos += 1
            }
            guard pos < end, isDigit(buf[pos]) else {
                throw error("expected a digit in the exponent, found \(describe(pos))", at: pos)
            }
            while pos < end {
                let c = buf[pos]
                guard c >= 0x30 && c <= 0x39 else { break }
                if exponent < 1_000_000 {
                    exponent = exponent * 10 + Int(c &- 0x30)
                } else {
                    // Saturated: `exp10` below is no longer exact, so the fast path must
                    // not be taken (the text itself goes to the slow path).
                    exponentSaturated = true
                }
                pos += 1
            }
            if expNegative { exponent = -exponent }
        }

        if isInteger && !truncated && droppedIntegerDigits == 0 {
            if !negative {
                if mantissa <= UInt64(Int64.max) { return .integer(Int64(mantissa)) }
            } else if mantissa <= UInt64(Int64.max) {
                return .integer(-Int64(mantissa))
            } else if mantissa == UInt64(Int64.max) + 1 {
                return .integer(Int64.min)
            }
        }
        if mantissa == 0 && !truncated {
            return .number(negative ? -0.0 : 0.0)
        }
        let exp10 = exponent + droppedIntegerDigits - fractionDigits
        if !truncated && !exponentSaturated && mantissa <= (1 << 53) && exp10 >= -22 && exp10 <= 22 {
            // Both operands are exact, so one IEEE operation rounds correctly.
            var d = Double(mantissa)
            if exp10 >= 0 { d *= exactPowersOfTen[exp10] } else { d /= exactPowersOfTen[-exp10] }
            return .number(negative ? -d : d)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            let shown = text.utf8.count > 40 ? String(text.prefix(37)) + "..." : text
            throw error("number \(shown) is out of range for a 64-bit floating-point value", at: start)
        }
        return .number(d)
    }

    // MARK: Strings

    /// Parses a string; `pos` is at the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let open = pos
        pos += 1
        let start = pos
        // Fast path: no escapes; the bytes are copied once.
        while pos < end {
            let c = buf[pos]
            if c == 0x22 {
                if pos - start > limits.maxStringBytes { throw stringTooLong(at: open) }
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if c == 0x5C { break }
            if c < 0x20 { throw controlCharacterError(c) }
            if c < 0x80 {
                pos += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        guard pos < end else { throw unterminatedString(open) }

        // Slow path: decode escapes into the scratch buffer.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<pos]))
        while true {
            guard pos < end else { throw unterminatedString(open) }
            let c = buf[pos]
            if c == 0x22 {
                pos += 1
                if scratch.count > limits.maxStringBytes { throw stringTooLong(at: open) }
                return String(decoding: scratch, as: UTF8.self)
            } else if c == 0x5C {
                try parseEscape(open: open)
                if scratch.count > limits.maxStringBytes { throw stringTooLong(at: open) }
            } else if c < 0x20 {
                throw controlCharacterError(c)
            } else if c < 0x80 {
                // Copy the run of plain ASCII in one go.
                let runStart = pos
                pos += 1
                while pos < end {
                    let d = buf[pos]
                    if d == 0x22 || d == 0x5C || d < 0x20 || d >= 0x80 { break }
                    pos += 1
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<pos]))
            } else {
                let seqStart = pos
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[seqStart..<pos]))
            }
        }
    }

    /// Decodes one escape at `pos` (a backslash) into `scratch`.
    mutating func parseEscape(open: Int) throws(JSONParseError) {
        let escapeStart = pos
        guard pos + 1 < end else { throw unterminatedString(open) }
        let e = buf[pos + 1]
        var simple: UInt8 = 0
        switch e {
        case 0x22, 0x5C, 0x2F: simple = e
        case 0x62: simple = 0x08  // b
        case 0x66: simple = 0x0C  // f
        case 0x6E: simple = 0x0A  // n
        case 0x72: simple = 0x0D  // r
        case 0x74: simple = 0x09  // t
        case 0x75:  // u
            let first = try hex4(at: pos + 2, open: open)
            pos += 6
            var scalar = first
            if first >= 0xD800 && first <= 0xDBFF {
                guard pos + 1 < end, buf[pos] == 0x5C, buf[pos + 1] == 0x75 else {
                    throw error("lone surrogate \\u\(hex4String(first)) in string: a high surrogate must be followed by a \\uDC00-\\uDFFF escape", at: escapeStart)
                }
                let second = try hex4(at: pos + 2, open: open)
                guard second >= 0xDC00 && second <= 0xDFFF else {
                    throw error("lone surrogate \\u\(hex4String(first)) in string: it is followed by \\u\(hex4String(second)), which is not a low surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                pos += 6
            } else if first >= 0xDC00 && first <= 0xDFFF {
                throw error("lone surrogate \\u\(hex4String(first)) in string: a low surrogate must follow a high surrogate", at: escapeStart)
            }
            appendUTF8(scalar)
            return
        default:
            let shown = (e >= 0x21 && e <= 0x7E) ? "'\\\(Character(Unicode.Scalar(e)))'" : "'\\' followed by \(describe(pos + 1))"
            throw error("invalid escape \(shown) in string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", at: escapeStart)
        }
        scratch.append(simple)
        pos += 2
    }

    func hex4(at p: Int, open: Int) throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 {
            let q = p + i
            guard q < end else { throw unterminatedString(open) }
            let c = buf[q]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default:
                throw error("invalid \\u escape in string: expected 4 hexadecimal digits, found \(describe(q))", at: q)
            }
            v = v << 4 | d
        }
        return v
    }

    mutating func appendUTF8(_ s: UInt32) {
        if s < 0x80 {
            scratch.append(UInt8(s))
        } else if s < 0x800 {
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else if s < 0x10000 {
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// Validates the multi-byte UTF-8 sequence at `pos` (lead byte >= 0x80) and skips it.
    @inline(__always)
    mutating func skipUTF8Sequence() throws(JSONParseError) {
        guard let length = utf8SequenceLength(at: pos) else {
            throw error("invalid UTF-8 in string (\(describe(pos)))", at: pos)
        }
        pos += length
    }

    /// The length of the valid UTF-8 sequence at `p` (lead byte >= 0x80), or nil.
    func utf8SequenceLength(at p: Int) -> Int? {
        let b0 = buf[p]
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        let need: Int
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return nil
        }
        guard p + need < end else { return nil }
        let b1 = buf[p + 1]
        guard b1 >= lo && b1 <= hi else { return nil }
        if need >= 2 && buf[p + 2] & 0xC0 != 0x80 { return nil }
        if need == 3 && buf[p + 3] & 0xC0 != 0x80 { return nil }
        return need + 1
    }

    // MARK: Errors

    func error(_ message: String, at offset: Int) -> JSONParseError {
        let (line, column) = lineColumn(of: offset)
        return JSONParseError(message: message, line: line, column: column, offset: offset)
    }

    func lineColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = bodyStart
        let stop = min(offset, end)
        while i < stop {
            let c = buf[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c == 0x0D {
                if !(i + 1 < end && buf[i + 1] == 0x0A) {
                    line += 1
                    column = 1
                }
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// "; the array opened at line 1, column 1 is not closed"
    func unclosedNote() -> String {
        guard let frame = frames.last else { return "" }
        let (line, column) = lineColumn(of: frame.open)
        return " (the \(frame.isObject ? "object" : "array") opened at line \(line), column \(column) is not closed)"
    }

    func expectedValueError() -> JSONParseError {
        if pos >= end {
            if frames.isEmpty {
                return error("empty input, expected a JSON value", at: pos)
            }
            return error("expected a value, found end of input\(unclosedNote())", at: pos)
        }
        let c = buf[pos]
        var hint = ""
        switch c {
        case 0x5D where frames.last?.isObject == false:
            return error("expected a value after ',', found ']' (trailing commas are not allowed)", at: pos)
        case 0x27: hint = " (strings must use double quotes)"
        case 0x2F: hint = " (comments are not allowed in JSON)"
        case 0x2B: hint = " (a number cannot start with '+')"
        case 0x2E: hint = " (a number needs a digit before the decimal point)"
        case 0x4E, 0x49: hint = " (NaN and Infinity are not allowed in JSON)"
        default:
            if isASCIILetter(c) { hint = " (strings must be in double quotes)" }
        }
        return error("expected a value, found \(describe(pos))\(hint)", at: pos)
    }

    func controlCharacterError(_ c: UInt8) -> JSONParseError {
        var hint = ""
        switch c {
        case 0x09: hint = "; write it as \\t"
        case 0x0A, 0x0D: hint = "; write it as \\\(c == 0x0A ? "n" : "r") (or is a closing quote missing?)"
        default: hint = "; write it as \\u\(hex4String(UInt32(c)))"
        }
        return error("unescaped control character U+\(hex4String(UInt32(c))) in string\(hint)", at: pos)
    }

    func unterminatedString(_ open: Int) -> JSONParseError {
        let (line, column) = lineColumn(of: open)
        return error("unterminated string: the string opened at line \(line), column \(column) has no closing quote", at: end)
    }

    func stringTooLong(at open: Int) -> JSONParseError {
        error("string is longer than the limit of \(limits.maxStringBytes) bytes", at: open)
    }

    /// A short description of the byte at `p` for messages: "']'", "end of input", ...
    func describe(_ p: Int) -> String {
        guard p < end else { return "end of input" }
        let c = buf[p]
        switch c {
        case 0x27: return "\"'\""
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(c)))'"
        case 0x20: return "' '"
        case 0x00..<0x20, 0x7F: return "control character U+\(hex4String(UInt32(c)))"
        default:
            if let n = utf8SequenceLength(at: p) {
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[p..<(p + n)]), as: UTF8.self)
                let v = s.unicodeScalars.first!.value
                return "'\(s)' (U+\(hex4String(v)))"
            }
            return "invalid UTF-8 byte 0x\(hex2String(c))"
        }
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

private let hexDigitsUpper: [Character] = Array("0123456789ABCDEF")

/// At least four uppercase hex digits.
func hex4String(_ v: UInt32) -> String {
    var s = String(v, radix: 16, uppercase: true)
    while s.utf8.count < 4 { s = "0" + s }
    return s
}

private func hex2String(_ v: UInt8) -> String {
    String([hexDigitsUpper[Int(v >> 4)], hexDigitsUpper[Int(v & 15)]])
}

/// A key quoted for a message, shortened when long.
func shortQuoted(_ key: String) -> String {
    if key.unicodeScalars.count > 60 {
        return JSONString.quoted(String(String.UnicodeScalarView(key.unicodeScalars.prefix(57)))) + "..."
    }
    return JSONString.quoted(key)
}
