/// GS1 Digital Link URIs (GS1 Digital Link: URI Syntax 1.2): a primary key and its qualifiers as
/// path segments on any domain, e.g. `https://id.gs1.org/01/09521141012345/21/2017`.
///
/// Why on any domain: brands publish on their own resolvers (`https://id.gs1.de/01/…`); the key is
/// in the path, and the CBV 2.0 hash replaces the domain with id.gs1.org.
struct DigitalLink: Sendable, Equatable {
    /// The primary key's application identifier (`01`, `00`, `414`, …) and its value as written.
    let ai: String
    let value: String
    /// Key qualifiers in path order (`21` serial, `10` lot, `22` CPV, `235`, `254`, `8011`).
    let qualifiers: [(ai: String, value: String)]

    static func == (a: DigitalLink, b: DigitalLink) -> Bool {
        a.ai == b.ai && a.value == b.value && a.qualifiers.map(\.ai) == b.qualifiers.map(\.ai)
            && a.qualifiers.map(\.value) == b.qualifiers.map(\.value)
    }

    /// Primary keys and the qualifiers each admits (DL 1.2 Table 4-1, restricted to identification).
    static let primaryKeys: [String: Set<String>] = [
        "01": ["22", "10", "21", "235"], "8006": ["22", "10", "21"], "8010": ["8011"], "414": ["254"],
        "417": [], "8017": [], "8018": ["8019"], "255": [], "00": [], "253": [], "401": [], "402": [],
        "8003": [], "8004": ["7040"],
    ]

    /// DL 1.2 short names (still met in the wild) for the numeric AIs.
    static let shortNames: [String: String] = [
        "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017", "gsrn": "8018",
        "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004",
        "cpv": "22", "lot": "10", "ser": "21", "glnx": "254",
    ]

    static func ai(_ segment: Substring) -> String? {
        let s = String(segment)
        if primaryKeys[s] != nil || ["22", "10", "21", "235", "254", "8011", "8019", "7040"].contains(s) { return s }
        return shortNames[s]
    }

    /// Reads the key path of an http(s) URI; query string and fragment are ignored (they carry
    /// attributes, not identity).
    static func parse(_ uri: String) -> Result<DigitalLink, GS1KeyError> {
        let rest: Substring
        if uri.hasPrefix("https://") {
            rest = uri.dropFirst(8)
        } else if uri.hasPrefix("http://") {
            rest = uri.dropFirst(7)
        } else {
            return .failure(GS1KeyError("\(quoted(uri)) is not an http(s) URI"))
        }
        var pathAndMore = rest
        if let q = pathAndMore.firstIndex(where: { $0 == "?" || $0 == "#" }) { pathAndMore = pathAndMore[..<q] }
        guard let slash = pathAndMore.firstIndex(of: "/") else {
            return .failure(GS1KeyError("\(quoted(uri)) has no path, so no GS1 key"))
        }
        var segs = pathAndMore[pathAndMore.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
        if segs.last == "" { segs.removeLast() }  // one trailing slash is tolerated
        // The key starts at the first segment naming a primary key followed by a value that starts
        // with four digits (DL 1.2 §4: every primary key value does), so that path prefixes such as
        // a resolver's own "/01/" directory are not mistaken for keys.
        var start: Int?
        for i in 0..<segs.count where i + 1 < segs.count {
            if let a = ai(segs[i]), primaryKeys[a] != nil, segs[i + 1].count >= 5, segs[i + 1].prefix(4).utf8.allSatisfy(URISyntax.isDigit) {
                start = i
                break
            }
        }
        guard let s = start else { return .failure(GS1KeyError("\(quoted(uri)) carries no GS1 primary key in its path")) }
        let keyAI = ai(segs[s])!
        var quals: [(String, String)] = []
        var i = s + 2
        while i < segs.count {
            guard i + 1 < segs.count, let q = ai(segs[i]), primaryKeys[keyAI]!.contains(q), !segs[i + 1].isEmpty else {
                return .failure(GS1KeyError("\(quoted(uri)): path segment \(quoted(String(segs[i]))) is not a key qualifier of AI (\(keyAI))"))
            }
            quals.append((q, String(segs[i + 1])))
            i += 2
        }
        guard !segs[s + 1].isEmpty, segs[s + 1].utf8.allSatisfy({ $0 != 0x3F && $0 != 0x23 }) else {
            return .failure(GS1KeyError("\(quoted(uri)) has an empty key value"))
        }
        return .success(DigitalLink(ai: keyAI, value: String(segs[s + 1]), qualifiers: quals))
    }

    /// The constrained canonical form the CBV 2.0 event hash uses (rule 18): id.gs1.org, numeric
    /// AIs, GTINs padded to 14 digits, no query, and only the finest identification level (a serial
    /// wins over a lot; the consumer product variant is dropped). Nil when a value breaks its AI's
    /// format, in which case the hash keeps the URI as written.
    func hashForm() -> String? {
        var v = value
        if ai == "01" {
            guard [8, 12, 13, 14].contains(v.count), GS1Key.allDigits(Substring(v)) else { return nil }
            v = v.leftPadded(to: 14)
        }
        guard DigitalLink.valueIsWellFormed(ai: ai, v) else { return nil }
        var kept: [(String, String)] = []
        let q = Dictionary(qualifiers.map { ($0.ai, $0.value) }, uniquingKeysWith: { a, _ in a })
        switch ai {
        case "01", "8006":
            if let s = q["21"] { kept = [("21", s)] } else if let l = q["10"] { kept = [("10", l)] } else if let t = q["235"], ai == "01" { kept = [("235", t)] }
        case "414":
            if let x = q["254"] { kept = [("254", x)] }
        case "8010":
            if let x = q["8011"] { kept = [("8011", x)] }
        default:
            break
        }
        for (qa, qv) in kept where !DigitalLink.valueIsWellFormed(ai: qa, qv) { return nil }
        return "https://id.gs1.org/\(ai)/\(v)" + kept.map { "/\($0.0)/\($0.1)" }.joined()
    }

    /// Format of each AI's value as it appears in a URI (AI-82 characters, percent escapes allowed).
    static func valueIsWellFormed(ai: String, _ v: String) -> Bool {
        let digits = GS1Key.allDigits(Substring(v))
        func text(_ max: Int) -> Bool {
            guard let d = GS1Key.percentDecode(Substring(v), allowed: GS1Key.isAI82) else { return false }
            return !d.isEmpty && d.count <= max
        }
        func numPlusText(_ n: Int, _ max: Int) -> Bool {
            guard v.count >= n, GS1Key.allDigits(v.prefix(n)) else { return false }
            let tail = v.dropFirst(n)
            guard let d = GS1Key.percentDecode(tail, allowed: GS1Key.isAI82) else { return false }
            return d.count <= max
        }
        switch ai {
        case "01": return digits && v.count == 14
        case "00", "8006", "8017", "8018": return digits && v.count == 18
        case "414", "417": return digits && v.count == 13
        case "402": return digits && v.count == 17
        case "253": return numPlusText(13, 17)
        case "255": return numPlusText(13, 12) && digits
        case "8003": return numPlusText(14, 16)
        case "8004", "401": return text(30)
        case "8010": return text(30)
        case "8011": return digits && v.count <= 12
        case "21", "10", "254", "22": return text(20)
        case "235": return text(28)
        case "8019": return digits && v.count <= 10
        case "7040": return text(4)
        default: return false
        }
    }

    /// The GS1 key this link names, check digits verified for GTIN, SSCC and GLN.
    func key() -> Result<GS1Key, GS1KeyError> {
        let q = Dictionary(qualifiers.map { ($0.ai, $0.value) }, uniquingKeysWith: { a, _ in a })
        func decode(_ s: String) -> String? { GS1Key.percentDecode(Substring(s), allowed: GS1Key.isAI82) }
        func checked(_ digits: String, _ what: String) -> Result<String, GS1KeyError> {
            GS1Key.hasValidCheckDigit(digits) ? .success(digits)
                : .failure(GS1KeyError("\(what) \(digits) has a wrong check digit (expected \(GS1Key.checkDigit(String(digits.dropLast())))) — mistyped or forged"))
        }
        switch ai {
        case "01":
            guard [8, 12, 13, 14].contains(value.count), GS1Key.allDigits(Substring(value)) else {
                return .failure(GS1KeyError("GTIN \(quoted(value)) must be 8, 12, 13 or 14 digits"))
            }
            return checked(value.leftPadded(to: 14), "GTIN").flatMap { g in
                if let s = q["21"] {
                    guard let d = decode(s), !d.isEmpty, d.count <= 20 else { return .failure(GS1KeyError("serial \(quoted(s)) must be 1 to 20 GS1 characters")) }
                    return .success(.sgtin(gtin: g, serial: d))
                }
                if let l = q["10"] {
                    guard let d = decode(l), !d.isEmpty, d.count <= 20 else { return .failure(GS1KeyError("lot \(quoted(l)) must be 1 to 20 GS1 characters")) }
                    return .success(.lgtin(gtin: g, lot: d))
                }
                return .success(.gtin(g))
            }
        case "00":
            guard value.count == 18, GS1Key.allDigits(Substring(value)) else { return .failure(GS1KeyError("SSCC \(quoted(value)) must be 18 digits")) }
            return checked(value, "SSCC").map { .sscc($0) }
        case "414", "417":
            guard value.count == 13, GS1Key.allDigits(Substring(value)) else { return .failure(GS1KeyError("GLN \(quoted(value)) must be 13 digits")) }
            return checked(value, "GLN").flatMap { g in
                if ai == "417" { return .success(.pgln(g)) }
                if let x = q["254"] {
                    guard let d = decode(x), !d.isEmpty, d.count <= 20 else { return .failure(GS1KeyError("GLN extension \(quoted(x)) must be 1 to 20 GS1 characters")) }
                    return .success(.sgln(gln: g, extension: d == "0" ? nil : d))
                }
                return .success(.sgln(gln: g, extension: nil))
            }
        default:
            guard DigitalLink.valueIsWellFormed(ai: ai, value), let d = decode(value) else {
                return .failure(GS1KeyError("\(quoted(value)) is not a valid value for AI (\(ai))"))
            }
            return .success(.other(ai: ai, value: d))
        }
    }
}
