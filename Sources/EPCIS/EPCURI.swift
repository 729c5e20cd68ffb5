/// EPC URIs of the GS1 EPC Tag Data Standard (TDS 2.0 §6–§8): pure identities (`urn:epc:id:…`),
/// classes (`urn:epc:class:lgtin:…`) and patterns (`urn:epc:idpat:…:*`), with their conversion to
/// GS1 Digital Link.
///
/// Why here: EPCIS events name packs, cases, pallets and places this way, and both the tobacco
/// mapping (keys) and the CBV event hash (canonical Digital Link form) need them.
struct EPCURI: Sendable, Equatable {
    enum Level: Sendable, Equatable { case instance, classLevel, pattern }

    /// `sgtin`, `sscc`, `lgtin`, …
    let scheme: String
    let level: Level
    /// The key, values decoded.
    let key: GS1Key
    /// The CBV 2.0 hash form: canonical Digital Link on id.gs1.org, EPC escapes kept and the
    /// characters ! ( ) * + , : percent-encoded, as the GS1 reference generator writes it.
    let hashForm: String

    /// Schemes this type understands; others under `urn:epc:` are left to the caller.
    static let instanceSchemes: Set<String> = ["sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn", "ginc", "gsin", "itip", "upui", "pgln"]
    static let patternSchemes: Set<String> = ["sgtin", "grai", "gdti", "sgcn", "cpi", "itip", "upui"]

    /// True when `text` is under a namespace and scheme this parser knows, so that failing to parse
    /// it is a real error rather than an unsupported identifier type.
    static func isKnown(_ text: String) -> Bool {
        guard let (ns, scheme, _) = split(text) else { return false }
        switch ns {
        case "id": return instanceSchemes.contains(scheme)
        case "class": return scheme == "lgtin"
        case "idpat": return patternSchemes.contains(scheme)
        default: return false
        }
    }

    static func split(_ text: String) -> (ns: String, scheme: String, body: Substring)? {
        for ns in ["id", "class", "idpat"] {
            let p = "urn:epc:\(ns):"
            if text.hasPrefix(p) {
                let rest = text.dropFirst(p.count)
                guard let c = rest.firstIndex(of: ":") else { return nil }
                return (ns, String(rest[..<c]), rest[rest.index(after: c)...])
            }
        }
        return nil
    }

    static func parse(_ text: String) -> Result<EPCURI, GS1KeyError> {
        guard let (ns, scheme, body) = split(text) else {
            return .failure(GS1KeyError("\(quoted(text)) is not an EPC URI (urn:epc:id:, urn:epc:class: or urn:epc:idpat:)"))
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        func fail(_ why: String) -> Result<EPCURI, GS1KeyError> {
            .failure(GS1KeyError("\(quoted(text)) is not a valid \(scheme.uppercased()) EPC URI: \(why)"))
        }
        // Company prefix: 6 to 12 digits (TDS 2.0 §6.3).
        guard let cp = parts.first, GS1Key.allDigits(cp), (6...12).contains(cp.count) else {
            return fail("the GS1 company prefix must be 6 to 12 digits")
        }
        let cpS = String(cp)
        func digits(_ i: Int, count n: Int, what: String) -> String? {
            guard i < parts.count, parts[i].count == n, parts[i].isEmpty || GS1Key.allDigits(parts[i]) else { return nil }
            return String(parts[i])
        }
        func gtin(_ ind: String) -> String {
            let raw = String(ind.prefix(1)) + cpS + ind.dropFirst()
            return raw + String(GS1Key.checkDigit(raw))
        }
        func withCheck(_ raw: String) -> String { raw + String(GS1Key.checkDigit(raw)) }
        /// An AI-82 component in EPC URI escaping (TDS §5: " % & / < > ? escaped as %HH).
        func ai82(_ i: Int, max: Int) -> (raw: String, decoded: String)? {
            guard i < parts.count else { return nil }
            let raw = parts[i...].joined(separator: ".")  // dots are legal inside serials
            guard let dec = GS1Key.percentDecode(Substring(raw), allowed: GS1Key.isAI82), !dec.isEmpty, dec.count <= max else { return nil }
            // Characters the URI grammar reserves must arrive escaped.
            for b in raw.utf8 where b == 0x22 || b == 0x26 || b == 0x2F || b == 0x3C || b == 0x3E || b == 0x3F || b == 0x23 {
                return nil
            }
            return (raw, dec)
        }
        func hashEncode(_ s: String) -> String {
            var out = ""
            for ch in s.unicodeScalars {
                switch ch {
                case "!": out += "%21"
                case "(": out += "%28"
                case ")": out += "%29"
                case "*": out += "%2A"
                case "+": out += "%2B"
                case ",": out += "%2C"
                case ":": out += "%3A"
                default: out.unicodeScalars.append(ch)
                }
            }
            return out
        }
        let dl = "https://id.gs1.org/"
        let cpLen = cp.count

        switch (ns, scheme) {
        case ("id", "sgtin"), ("id", "itip"), ("id", "upui"):
            guard let ind = digits(1, count: 13 - cpLen, what: "indicator and item reference") else {
                return fail("indicator and item reference must be \(13 - cpLen) digits after a \(cpLen)-digit company prefix")
            }
            let g = gtin(ind)
            if scheme == "sgtin" {
                guard let s = ai82(2, max: 20) else { return fail("the serial must be 1 to 20 GS1 AI characters") }
                return .success(EPCURI(scheme: scheme, level: .instance, key: .sgtin(gtin: g, serial: s.decoded),
                                       hashForm: dl + "01/\(g)/21/\(hashEncode(s.raw))"))
            }
            if scheme == "upui" {
                guard let s = ai82(2, max: 28) else { return fail("the third-party controlled extension must be 1 to 28 GS1 AI characters") }
                return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: "01", value: g + "/235/" + s.decoded),
                                       hashForm: dl + "01/\(g)/235/\(hashEncode(s.raw))"))
            }
            guard let piece = digits(2, count: 2, what: "piece"), let total = digits(3, count: 2, what: "total"),
                  let s = ai82(4, max: 20)
            else { return fail("expected piece (2 digits), total (2 digits) and a serial of 1 to 20 characters") }
            return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: "8006", value: g + piece + total + "/21/" + s.decoded),
                                   hashForm: dl + "8006/\(g)\(piece)\(total)/21/\(hashEncode(s.raw))"))

        case ("id", "sscc"):
            guard parts.count == 2, let ref = digits(1, count: 17 - cpLen, what: "serial reference") else {
                return fail("the serial reference must be \(17 - cpLen) digits after a \(cpLen)-digit company prefix")
            }
            let s = withCheck(String(ref.prefix(1)) + cpS + ref.dropFirst())
            return .success(EPCURI(scheme: scheme, level: .instance, key: .sscc(s), hashForm: dl + "00/\(s)"))

        case ("id", "sgln"):
            guard let loc = digits(1, count: 12 - cpLen, what: "location reference"), let x = ai82(2, max: 20) else {
                return fail("expected a \(12 - cpLen)-digit location reference and an extension (\"0\" for none)")
            }
            let g = withCheck(cpS + loc)
            let ext = x.decoded == "0" ? nil : x.decoded
            return .success(EPCURI(scheme: scheme, level: .instance, key: .sgln(gln: g, extension: ext),
                                   hashForm: dl + "414/\(g)" + (ext == nil ? "" : "/254/\(hashEncode(x.raw))")))

        case ("id", "pgln"):
            guard parts.count == 2, let ref = digits(1, count: 12 - cpLen, what: "party reference") else {
                return fail("the party reference must be \(12 - cpLen) digits after a \(cpLen)-digit company prefix")
            }
            let g = withCheck(cpS + ref)
            return .success(EPCURI(scheme: scheme, level: .instance, key: .pgln(g), hashForm: dl + "417/\(g)"))

        case ("id", "grai"), ("id", "gdti"), ("id", "sgcn"):
            guard let t = digits(1, count: 12 - cpLen, what: "type") else {
                return fail("expected a \(12 - cpLen)-digit reference after a \(cpLen)-digit company prefix")
            }
            let base = withCheck(cpS + t)
            let maxSerial = scheme == "grai" ? 16 : scheme == "gdti" ? 17 : 12
            guard let s = ai82(2, max: maxSerial) else { return fail("the serial must be 1 to \(maxSerial) characters") }
            if scheme == "sgcn", !GS1Key.allDigits(Substring(s.decoded)) { return fail("the SGCN serial must be digits") }
            let ai = scheme == "grai" ? "8003" : scheme == "gdti" ? "253" : "255"
            let keyBase = scheme == "grai" ? "0" + base : base
            return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: ai, value: keyBase + s.decoded),
                                   hashForm: dl + "\(ai)/\(keyBase)\(hashEncode(s.raw))"))

        case ("id", "giai"), ("id", "ginc"):
            guard let s = ai82(1, max: 30 - cpLen) else { return fail("the reference must be 1 to \(30 - cpLen) characters") }
            let ai = scheme == "giai" ? "8004" : "401"
            return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: ai, value: cpS + s.decoded),
                                   hashForm: dl + "\(ai)/\(cpS)\(hashEncode(s.raw))"))

        case ("id", "gsrn"), ("id", "gsrnp"), ("id", "gsin"):
            let total = scheme == "gsin" ? 16 : 17
            guard parts.count == 2, let ref = digits(1, count: total - cpLen, what: "reference") else {
                return fail("the reference must be \(total - cpLen) digits after a \(cpLen)-digit company prefix")
            }
            let v = withCheck(cpS + ref)
            let ai = scheme == "gsrn" ? "8018" : scheme == "gsrnp" ? "8017" : "402"
            return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: ai, value: v), hashForm: dl + "\(ai)/\(v)"))

        case ("id", "cpi"):
            guard parts.count == 3, !parts[1].isEmpty,
                  let ref = GS1Key.percentDecode(parts[1], allowed: { URISyntax.isDigit($0) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D || $0 == 0x23 || $0 == 0x2F }),
                  ref.count <= 30 - cpLen, GS1Key.allDigits(parts[2]), parts[2].count <= 12
            else { return fail("expected a component/part reference (0-9 A-Z -) and a numeric serial of up to 12 digits") }
            return .success(EPCURI(scheme: scheme, level: .instance, key: .other(ai: "8010", value: cpS + ref + "/8011/" + parts[2]),
                                   hashForm: dl + "8010/\(hashEncode(cpS + parts[1]))/8011/\(parts[2])"))

        case ("class", "lgtin"):
            guard let ind = digits(1, count: 13 - cpLen, what: "item reference"), let lot = ai82(2, max: 20) else {
                return fail("expected a \(13 - cpLen)-digit indicator and item reference and a lot of 1 to 20 characters")
            }
            let g = gtin(ind)
            return .success(EPCURI(scheme: scheme, level: .classLevel, key: .lgtin(gtin: g, lot: lot.decoded),
                                   hashForm: dl + "01/\(g)/10/\(hashEncode(lot.raw))"))

        case ("idpat", let s) where patternSchemes.contains(s):
            guard parts.last == "*" else { return fail("a pattern must end in \".*\" (this importer reads whole-class patterns only)") }
            switch s {
            case "sgtin", "upui":
                guard parts.count == 3, let ind = digits(1, count: 13 - cpLen, what: "item reference") else {
                    return fail("expected a \(13 - cpLen)-digit indicator and item reference")
                }
                let g = gtin(ind)
                return .success(EPCURI(scheme: scheme, level: .pattern, key: .gtin(g), hashForm: dl + "01/\(g)"))
            case "itip":
                guard parts.count == 5, let ind = digits(1, count: 13 - cpLen, what: "item reference"),
                      let piece = digits(2, count: 2, what: "piece"), let total = digits(3, count: 2, what: "total")
                else { return fail("expected item reference, piece and total") }
                let v = gtin(ind) + piece + total
                return .success(EPCURI(scheme: scheme, level: .pattern, key: .other(ai: "8006", value: v), hashForm: dl + "8006/\(v)"))
            case "cpi":
                guard parts.count == 3, !parts[1].isEmpty,
                      let ref = GS1Key.percentDecode(parts[1], allowed: { URISyntax.isDigit($0) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D || $0 == 0x23 || $0 == 0x2F })
                else { return fail("expected a component/part reference") }
                return .success(EPCURI(scheme: scheme, level: .pattern, key: .other(ai: "8010", value: cpS + ref),
                                       hashForm: dl + "8010/\(hashEncode(cpS + parts[1]))"))
            default:  // grai, gdti, sgcn
                guard parts.count == 3, let t = digits(1, count: 12 - cpLen, what: "type") else {
                    return fail("expected a \(12 - cpLen)-digit reference")
                }
                let base = withCheck(cpS + t)
                let ai = s == "grai" ? "8003" : s == "gdti" ? "253" : "255"
                let v = s == "grai" ? "0" + base : base
                return .success(EPCURI(scheme: scheme, level: .pattern, key: .other(ai: ai, value: v), hashForm: dl + "\(ai)/\(v)"))
            }

        default:
            return .failure(GS1KeyError("\(quoted(text)): EPC scheme \(quoted(ns + ":" + scheme)) is not one this importer reads"))
        }
    }
}
