// OLPC canonical JSON, byte for byte as python securesystemslib's `encode_canonical`
// produces it (and TUF signs it):
// - no whitespace; members sorted by key in Unicode code point order (Python `sorted()`)
// - strings: only `"` and `\` are backslash-escaped; everything else, control characters
//   and non-ASCII included, is written raw as UTF-8
// - integers in decimal, `true`, `false`, `null`
// - no floating-point numbers: any `.number` is an error (also integral ones such as 1.0,
//   and integers beyond Int64, which the parser stores as `.number`)

extension JSONValue {
    /// The canonical JSON encoding (UTF-8) of this value.
    public func canonicalBytes() throws(JSONCanonicalError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try writeCanonical(self, to: &out)
        return out
    }

    /// `canonicalBytes()` as a String.
    public func canonicalString() throws(JSONCanonicalError) -> String {
        String(decoding: try canonicalBytes(), as: UTF8.self)
    }
}

private func writeCanonical(_ value: JSONValue, to out: inout [UInt8]) throws(JSONCanonicalError) {
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
        let shown = d.isFinite ? d.description : "\(d)"
        throw JSONCanonicalError(message: "canonical JSON has no floating-point numbers, found \(shown)", path: "$")
    case .string(let s):
        appendCanonicalString(s, to: &out)
    case .array(let a):
        out.append(0x5B)
        for (i, element) in a.enumerated() {
            if i > 0 { out.append(0x2C) }
            do {
                try writeCanonical(element, to: &out)
            } catch {
                throw error.prefixed(with: "[\(i)]")
            }
        }
        out.append(0x5D)
    case .object(let o):
        out.append(0x7B)
        let keys = o._keys
        let values = o._values
        for (n, i) in sortedKeyOrder(keys).enumerated() {
            if n > 0 { out.append(0x2C) }
            appendCanonicalString(keys[i], to: &out)
            out.append(0x3A)
            do {
                try writeCanonical(values[i], to: &out)
            } catch {
                throw error.prefixed(with: pathComponent(forKey: keys[i]))
            }
        }
        out.append(0x7D)
    }
}

private func appendCanonicalString(_ s: String, to out: inout [UInt8]) {
    out.append(0x22)
    for c in s.utf8 {
        if c == 0x22 || c == 0x5C { out.append(0x5C) }
        out.append(c)
    }
    out.append(0x22)
}

/// `.name` for identifier-like keys, `["key"]` otherwise.
private func pathComponent(forKey key: String) -> String {
    var identifier = !key.isEmpty
    for (i, c) in key.utf8.enumerated() {
        let letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F
        let digit = c >= 0x30 && c <= 0x39
        if !(letter || (digit && i > 0)) {
            identifier = false
            break
        }
    }
    return identifier ? ".\(key)" : "[\(JSONString.quoted(key))]"
}

extension JSONCanonicalError {
    /// Inserts a path component after the leading `$`.
    fileprivate func prefixed(with component: String) -> JSONCanonicalError {
        JSONCanonicalError(message: message, path: "$" + component + path.dropFirst())
    }
}
