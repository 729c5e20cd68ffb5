/// An intended market of retail sale: ISO 3166-1 alpha-2, optionally `-` and an ISO 3166-2 subdivision (`MZ`, `MZ-MPM`).
public struct Market: Sendable, Hashable, CustomStringConvertible {
    public let code: String

    /// Accepts `CC` or `CC-SSS` (subdivision of 1 to 3 letters or digits), upper-case only.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func isAlnum(_ c: UInt8) -> Bool { isUpper(c) || (c >= 0x30 && c <= 0x39) }
        guard b.count == 2 || (b.count >= 4 && b.count <= 6), isUpper(b[0]), isUpper(b[1]) else { return nil }
        if b.count > 2 {
            guard b[2] == UInt8(ascii: "-"), b[3...].allSatisfy(isAlnum) else { return nil }
        }
        code = text
    }

    /// The ISO 3166-1 country part.
    public var country: String { String(code.prefix(2)) }

    /// Markets match when equal, or when one is the country of the other (`MZ` matches `MZ-MPM`, but `MZ-MPM` does not match `MZ-GAZ`).
    public func matches(_ other: Market) -> Bool {
        if code == other.code { return true }
        return (code.count == 2 && other.country == code) || (other.code.count == 2 && country == other.code)
    }

    public var description: String { code }
}
