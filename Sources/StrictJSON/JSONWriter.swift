// Writers: compact and pretty JSON text, and string escaping for streaming writers.

/// Fast JSON string escaping: `"` `\` and control characters are escaped (`\n \r \t \b \f`,
/// others as `\u00XX`); everything else, including `/` and non-ASCII, is written as is.
public enum JSONString {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal, quotes included.
    public static func appendQuoted(_ s: String, to out: inout String) {
        if !needsEscaping(s) {
            out.reserveCapacity(out.utf8.count + s.utf8.count + 2)
            out.append("\"")
            out.append(s)
            out.append("\"")
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 16)
        appendQuoted(s, to: &bytes)
        out.append(String(decoding: bytes, as: UTF8.self))
    }

    /// Appends `s` as a JSON string literal (UTF-8), quotes included.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { p in
            appendEscaped(p, to: &out)
        }
        if done == nil {
            let copy = Array(s.utf8)
            copy.withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        }
        out.append(0x22)
    }

    static func needsEscaping(_ s: String) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ p -> Bool in
            for c in p where c < 0x20 || c == 0x22 || c == 0x5C { return true }
            return false
        }) {
            return r
        }
        for c in s.utf8 where c < 0x20 || c == 0x22 || c == 0x5C { return true }
        return false
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendEscaped(_ p: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let n = p.count
        while i < n {
            let c = p[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                i += 1
                continue
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i])) }
            out.append(0x5C)
            switch c {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(0x6E)  // n
            case 0x0D: out.append(0x72)  // r
            case 0x09: out.append(0x74)  // t
            case 0x08: out.append(0x62)  // b
            case 0x0C: out.append(0x66)  // f
            default:
                out.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])  // u00XX
            }
            i += 1
            runStart = i
        }
        if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<n])) }
    }
}

extension JSONValue {
    /// JSON text. Compact by default; `pretty` uses 2-space indentation and `"key": value`.
    /// `sortedKeys` orders members by Unicode code point (otherwise insertion order).
    /// Numbers are written in their shortest round-trip form; a non-finite `.number`
    /// (which the parser never produces) is written as `null`.
    public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// `serialized()` as UTF-8 bytes.
    public func serializedBytes(pretty: Bool = false, sortedKeys: Bool = false) -> [UInt8] {
        var writer = TextWriter(pretty: pretty, sortedKeys: sortedKeys)
        writer.write(self, indent: 0)
        return writer.out
    }
}

/// Appends the decimal digits of `v`.
func appendInteger(_ v: Int64, to out: inout [UInt8]) {
    if v < 0 { out.append(0x2D) }
    var magnitude = v.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits
    withUnsafeMutableBytes(of: &digits) { raw in
        var i = raw.count
        repeat {
            i -= 1
            raw[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
        } while magnitude > 0
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
    }
}

/// Indices of `keys` in Unicode code point order.
func sortedKeyOrder(_ keys: [String]) -> [Int] {
    var order = Array(keys.indices)
    order.sort { utf8Less(keys[$0], keys[$1]) }
    return order
}

private struct TextWriter {
    let pretty: Bool
    let sortedKeys: Bool
    var out: [UInt8] = []

    init(pretty: Bool, sortedKeys: Bool) {
        self.pretty = pretty
        self.sortedKeys = sortedKeys
        out.reserveCapacity(256)
    }

    mutating func newline(_ indent: Int) {
        out.append(0x0A)
        for _ in 0..<indent { out.append(0x20); out.append(0x20) }
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null:
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b):
            if b {
                out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
            } else {
                out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
            }
        case .integer(let i):
            appendInteger(i, to: &out)
        case .number(let d):
            if d.isFinite {
                out.append(contentsOf: d.description.utf8)
            } else {
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            }
        case .string(let s):
            JSONString.appendQuoted(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            if a.isEmpty {
                out.append(0x5D)
                return
            }
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                if pretty { newline(indent + 1) }
                write(element, indent: indent + 1)
            }
            if pretty { newline(indent) }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            if o.isEmpty {
                out.append(0x7D)
                return
            }
            let keys = o._keys
            let values = o._values
            if sortedKeys {
                for (n, i) in sortedKeyOrder(keys).enumerated() {
                    member(keys[i], values[i], first: n == 0, indent: indent)
                }
            } else {
                for i in 0..<keys.count {
                    member(keys[i], values[i], first: i == 0, indent: indent)
                }
            }
            if pretty { newline(indent) }
            out.append(0x7D)
        }
    }

    mutating func member(_ key: String, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { out.append(0x2C) }
        if pretty { newline(indent + 1) }
        JSONString.appendQuoted(key, to: &out)
        out.append(0x3A)
        if pretty { out.append(0x20) }
        write(value, indent: indent + 1)
    }
}
