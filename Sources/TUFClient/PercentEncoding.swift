/// Percent-encoding of role names and target paths where they become URL parts or file names.
///
/// Role names are arbitrary strings chosen by whoever signs the delegating metadata ("../x",
/// "a/b", "?"), so they are encoded with everything but RFC 3986 unreserved characters escaped,
/// exactly as python-tuf's `quote(name, "")` does. The result contains no `/`, so it can neither
/// climb out of the metadata directory nor change the URL's path structure.
public enum PercentEncoding {
    /// Escapes every byte of the UTF-8 form except `A-Z a-z 0-9 - . _ ~` (uppercase hex).
    public static func encodeAll(_ s: String) -> String {
        encode(s, keeping: { _ in false })
    }

    /// Escapes like `encodeAll` but keeps `/`: turns a local path into the path part of a file URL.
    public static func encodePath(_ s: String) -> String {
        encode(s, keeping: { $0 == 0x2F })
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    public static func decode(_ s: String) -> String? {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25 {
                guard i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func encode(_ s: String, keeping extra: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for c in s.utf8 {
            let unreserved = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
            if unreserved || extra(c) {
                out.append(c)
            } else {
                out.append(contentsOf: [0x25, hex[Int(c >> 4)], hex[Int(c & 0x0F)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
