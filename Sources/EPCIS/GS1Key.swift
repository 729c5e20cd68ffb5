/// A GS1 identification key read from an EPC URI (`urn:epc:id:sgtin:…`) or a GS1 Digital Link URI
/// (`https://id.gs1.org/01/…/21/…`), in one form whichever way it was written.
///
/// Why one type for both syntaxes: EPCIS 2.0 allows either, and a pack seen as
/// `urn:epc:id:sgtin:9521141.012345.2017` at commissioning and as
/// `https://id.gs1.org/01/09521141012345/21/2017` at a border check is the same pack. Values are
/// kept decoded (no percent escapes); GTINs are always 14 digits.
public enum GS1Key: Sendable, Equatable, Hashable {
    /// A serialised trade item (SGTIN: GTIN + serial): a unit pack's UID, or a serialised carton.
    case sgtin(gtin: String, serial: String)
    /// A logistic unit (SSCC, 18 digits): a case or pallet, i.e. an aggregation ID.
    case sscc(String)
    /// A physical location (SGLN: GLN + optional extension, nil when absent or "0").
    case sgln(gln: String, extension: String?)
    /// A party (PGLN, 13 digits).
    case pgln(String)
    /// A product class (GTIN only, no serial): a quantity of packs, not one pack.
    case gtin(String)
    /// A batch (LGTIN: GTIN + lot).
    case lgtin(gtin: String, lot: String)
    /// Any other GS1 key (GRAI, GIAI, GDTI, GSRN, …) as its Digital Link application identifier
    /// and element string (e.g. `8004`, `4012345AAbb`).
    case other(ai: String, value: String)

    /// What the key identifies, in the terms the tobacco mapping uses.
    public enum Role: String, Sendable, Equatable {
        case tradeItemInstance, logisticUnit, location, party, productClass, batch, other
    }

    public var role: Role {
        switch self {
        case .sgtin: return .tradeItemInstance
        case .sscc: return .logisticUnit
        case .sgln: return .location
        case .pgln: return .party
        case .gtin: return .productClass
        case .lgtin: return .batch
        case .other: return .other
        }
    }

    /// The key as a GS1 Digital Link URI on id.gs1.org (values percent-encoded outside RFC 3986
    /// unreserved characters): a stable display and lookup form.
    public var digitalLink: String {
        let e = GS1Key.percentEncode
        switch self {
        case let .sgtin(g, s): return "https://id.gs1.org/01/\(g)/21/\(e(s))"
        case let .sscc(s): return "https://id.gs1.org/00/\(s)"
        case let .sgln(g, x): return "https://id.gs1.org/414/\(g)" + (x.map { "/254/\(e($0))" } ?? "")
        case let .pgln(g): return "https://id.gs1.org/417/\(g)"
        case let .gtin(g): return "https://id.gs1.org/01/\(g)"
        case let .lgtin(g, l): return "https://id.gs1.org/01/\(g)/10/\(e(l))"
        case let .other(ai, v): return "https://id.gs1.org/\(ai)/\(e(v))"
        }
    }

    /// Reads an EPC pure-identity URI, an EPC class or pattern URI (`lgtin`, `sgtin.*`), or a GS1
    /// Digital Link URI on any domain. Digital Link GTINs, SSCCs and GLNs must carry a correct
    /// check digit (EPC URIs carry none: it is computed).
    public static func parse(_ text: String) -> Result<GS1Key, GS1KeyError> {
        if text.hasPrefix("urn:epc:") {
            return EPCURI.parse(text).map(\.key)
        }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            switch DigitalLink.parse(text) {
            case .success(let dl): return dl.key()
            case .failure(let e): return .failure(e)
            }
        }
        return .failure(GS1KeyError("\(quoted(text)) is neither an EPC URI (urn:epc:…) nor a GS1 Digital Link URI"))
    }

    // MARK: - Shared GS1 rules

    /// The GS1 mod-10 check digit for the given digits (GenSpecs §7.9.1): weights 3,1,3,… from the right.
    public static func checkDigit(_ digits: String) -> Int {
        var sum = 0
        for (i, c) in digits.utf8.reversed().enumerated() {
            let d = Int(c) - 0x30
            sum += d * (i % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// True when the last digit of `digits` is the check digit of the others.
    static func hasValidCheckDigit(_ digits: String) -> Bool {
        guard digits.count >= 2, digits.utf8.allSatisfy(URISyntax.isDigit) else { return false }
        return checkDigit(String(digits.dropLast())) == Int(digits.utf8.last! - 0x30)
    }

    static func allDigits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.allSatisfy(URISyntax.isDigit) }

    /// GS1 AI encodable character set 82 (GenSpecs Figure 7.11-1).
    static func isAI82(_ c: UInt8) -> Bool {
        if URISyntax.isAlpha(c) || URISyntax.isDigit(c) { return true }
        switch c {
        case 0x21, 0x22, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x5F:
            return true
        default: return false
        }
    }

    /// Decodes `%HH` escapes; nil on a malformed escape or one that decodes outside `allowed`.
    static func percentDecode(_ s: Substring, allowed: (UInt8) -> Bool) -> String? {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            if u[i] == 0x25 {
                guard i + 2 < u.count, URISyntax.isHex(u[i + 1]), URISyntax.isHex(u[i + 2]) else { return nil }
                let b = UInt8(hexValue(u[i + 1]) << 4 | hexValue(u[i + 2]))
                guard allowed(b) else { return nil }
                out.append(b)
                i += 3
            } else {
                guard allowed(u[i]) else { return nil }
                out.append(u[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        default: return Int(c - 0x61 + 10)
        }
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if URISyntax.isAlpha(b) || URISyntax.isDigit(b) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

/// Why a string is not a usable GS1 key.
public struct GS1KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
