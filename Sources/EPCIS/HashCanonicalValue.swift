import StrictJSON

/// Value normalisation for the CBV 2.0 event hash (CBV 2.0 §8.9.2 rules 5–9 and 14–18), so that
/// one event written two ways — URN or Digital Link, `+02:00` or `Z`, `10.0` or `10`, bare CBV term
/// or CBV URN — hashes the same.
enum HashCanonicalValue {
    /// A string value: trimmed (rule 5); CBV URN vocabulary in web-URI form (rule 14); `gs1:`, `cbv:`
    /// and `epcis:` CURIEs expanded (rule 15; user CURIEs stay as written, as the reference generator
    /// does, because XML captures cannot expand them either); decimals without redundant zeros
    /// (rule 6); EPC URIs and Digital Links in constrained canonical Digital Link form (rules 17–18).
    static func string(_ s: String, _ context: JSONLDContext) -> String {
        var t = s.trimmingWhitespace()
        t = webVocabulary(t)
        t = expandStandardCURIE(t, context)
        if let d = decimal(t) { return d }
        if let id = identifier(t) { return id }
        return t
    }

    /// A standard-vocabulary field (bizStep, disposition, types, component, …): a CBV term in bare
    /// form becomes its web URI (rule 16); anything else is an ordinary string value.
    static func vocabulary(_ raw: String, _ vocab: CBVVocabulary, _ context: JSONLDContext) -> String {
        let t = raw.trimmingWhitespace()
        if case .standard(let term) = vocab.resolve(t) { return vocab.webPrefix + term }
        return string(t, context)
    }

    /// A date-time field (eventTime, sensor times): UTC, millisecond precision, `Z` (rules 8–9).
    static func time(_ raw: String) -> String {
        let t = raw.trimmingWhitespace()
        return EPCISTime(t)?.canonicalUTCMilliseconds ?? t
    }

    /// A JSON scalar as the pre-hash string writes it; nil for arrays, objects and null.
    static func scalar(_ v: JSONValue, _ context: JSONLDContext) -> String? {
        switch v {
        case .string(let s): return string(s, context)
        case .integer(let i): return String(i)
        case .number(let d): return number(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    static func number(_ n: JSONNumber) -> String {
        switch n {
        case .integer(let i): return String(i)
        case .double(let d): return number(d)
        }
    }

    /// Integral values as exact integers ("26" for 26.0); others in shortest round-trip form
    /// ("12.7", "1e-05"), which is what the reference generator's float formatting yields.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return d.description }
        if d == d.rounded(.towardZero) {
            if abs(d) < 9.0e18 { return String(Int64(d)) }
            return exactInteger(d)
        }
        return d.description
    }

    /// The exact decimal expansion of an integral double beyond Int64 range.
    static func exactInteger(_ d: Double) -> String {
        let negative = d < 0
        let m = abs(d)
        var digits: [UInt8] = [0]  // little-endian base 10
        func mulAdd(_ f: Int, _ a: Int) {
            var carry = a
            for i in digits.indices {
                let v = Int(digits[i]) * f + carry
                digits[i] = UInt8(v % 10)
                carry = v / 10
            }
            while carry > 0 {
                digits.append(UInt8(carry % 10))
                carry /= 10
            }
        }
        let sig = m.significandBitPattern | (1 << 52)
        let exp = Int(m.exponent) - 52
        for bit in stride(from: 52, through: 0, by: -1) {
            mulAdd(2, Int((sig >> UInt64(bit)) & 1))
        }
        for _ in 0..<max(0, exp) { mulAdd(2, 0) }
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        return (negative ? "-" : "") + String(decoding: digits.reversed().map { $0 + 0x30 }, as: UTF8.self)
    }

    /// `^-?\d+(\.\d+)?$` rewritten without leading or trailing zeros; nil for anything else. Exact
    /// string arithmetic, so long digit strings (an SSCC in an extension) keep every digit.
    static func decimal(_ s: String) -> String? {
        var u = Substring(s)
        var negative = false
        if u.first == "-" {
            negative = true
            u = u.dropFirst()
        }
        let parts = u.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let intPart = parts.first, GS1Key.allDigits(intPart) else { return nil }
        var frac: Substring = ""
        if parts.count == 2 {
            guard GS1Key.allDigits(parts[1]) else { return nil }
            frac = parts[1]
        }
        var i = intPart.drop(while: { $0 == "0" })
        if i.isEmpty { i = "0" }
        while frac.last == "0" { frac = frac.dropLast() }
        let body = frac.isEmpty ? String(i) : "\(i).\(frac)"
        return negative && body != "0" ? "-" + body : body
    }

    /// `urn:epcglobal:cbv:bizstep:x` → `https://ref.gs1.org/cbv/BizStep-x`, likewise disp, btt, sdt, er.
    static func webVocabulary(_ s: String) -> String {
        for v in [CBVVocabulary.bizStep, .disposition, .bizTransactionType, .sourceDestinationType, .errorReason] {
            if let urn = v.urnPrefix, s.hasPrefix(urn) { return v.webPrefix + s.dropFirst(urn.count) }
        }
        return s
    }

    /// Expands a CURIE whose prefix maps to a GS1 namespace (ref.gs1.org, gs1.org).
    static func expandStandardCURIE(_ s: String, _ context: JSONLDContext) -> String {
        guard let (p, local) = URISyntax.splitCURIE(s), !local.hasPrefix("//"), let ns = context.namespace(of: p),
              ns.hasPrefix("https://ref.gs1.org") || ns.hasPrefix("https://gs1.org")
        else { return s }
        return ns + local
    }

    /// The canonical Digital Link of an EPC URI or a Digital Link, if the value is one.
    static func identifier(_ s: String) -> String? {
        if s.hasPrefix("urn:epc:") {
            if case .success(let e) = EPCURI.parse(s) { return e.hashForm }
            return nil
        }
        if s.hasPrefix("https://") || s.hasPrefix("http://"), case .success(let dl) = DigitalLink.parse(s) {
            return dl.hashForm()
        }
        return nil
    }
}

extension String {
    /// Leading and trailing Unicode whitespace removed.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
