/// The JSON Schema `format: "uri"` check the EPCIS 2.0 schema applies to identifiers, vocabulary
/// values and extension field names: an absolute RFC 3986 URI (`scheme ":" rest`), ASCII only,
/// no spaces, well-formed percent escapes.
///
/// Why hand-written: Foundation's URL accepts relative references and non-ASCII, which the schema
/// does not; a CURIE such as `example:myField` must pass (its "scheme" is the prefix).
enum URISyntax {
    /// True for an absolute URI as the EPCIS JSON schema's `format: "uri"` means it.
    static func isAbsoluteURI(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let colon = u.firstIndex(of: 0x3A), colon > 0 else { return false }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard isAlpha(u[0]) else { return false }
        for c in u[1..<colon] where !(isAlpha(c) || isDigit(c) || c == 0x2B || c == 0x2D || c == 0x2E) {
            return false
        }
        var i = colon + 1
        while i < u.count {
            let c = u[i]
            if c == 0x25 {  // %
                guard i + 2 < u.count, isHex(u[i + 1]), isHex(u[i + 2]) else { return false }
                i += 3
                continue
            }
            guard isURIChar(c) else { return false }
            i += 1
        }
        return true
    }

    /// Splits `prefix:rest` at the first colon; nil when there is no colon or the prefix is empty.
    static func splitCURIE(_ s: String) -> (prefix: String, local: String)? {
        guard let i = s.firstIndex(of: ":"), i != s.startIndex else { return nil }
        return (String(s[..<i]), String(s[s.index(after: i)...]))
    }

    /// unreserved / reserved (gen-delims and sub-delims), RFC 3986 §2.
    private static func isURIChar(_ c: UInt8) -> Bool {
        if isAlpha(c) || isDigit(c) { return true }
        switch c {
        case 0x2D, 0x2E, 0x5F, 0x7E: return true  // - . _ ~
        case 0x3A, 0x2F, 0x3F, 0x23, 0x5B, 0x5D, 0x40: return true  // : / ? # [ ] @
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true  // ! $ & ' ( ) * + , ; =
        default: return false
        }
    }

    static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
}
