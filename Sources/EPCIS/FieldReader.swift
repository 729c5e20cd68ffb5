import StrictJSON

/// Typed readers for EPCIS JSON values that report what is wrong instead of failing silently.
///
/// Why separate from `EventReader`: the same checks (URI, date-time, vocabulary, identifier lists,
/// quantity elements, extension keys) recur at every level of an event, and one wording of each
/// message keeps reports consistent for the people who must act on them.
struct FieldReader {
    var sink: IssueSink
    /// The kind of object being read, for "is not a field of …" messages.
    let owner: String

    init(sink: IssueSink, owner: String) {
        self.sink = sink
        self.owner = owner
    }

    // MARK: - Scalars

    mutating func string(_ v: JSONValue, _ path: FieldPath) -> String? {
        if let s = v.stringValue { return s }
        sink.add(path, "is \(article(v)), not a string")
        return nil
    }

    mutating func uri(_ v: JSONValue, _ path: FieldPath) -> String? {
        guard let s = string(v, path) else { return nil }
        guard URISyntax.isAbsoluteURI(s) else {
            sink.add(path, "\(quoted(s)) is not a URI (an absolute URI such as urn:epc:id:sgtin:… or https://id.gs1.org/…)")
            return nil
        }
        return s
    }

    mutating func time(_ v: JSONValue, _ path: FieldPath) -> EPCISTime? {
        guard let s = string(v, path) else { return nil }
        guard let t = EPCISTime(s) else {
            sink.add(path, "\(quoted(s)) is not an RFC 3339 date-time with a time zone (e.g. 2026-07-22T06:45:00.000+02:00)")
            return nil
        }
        return t
    }

    mutating func number(_ v: JSONValue, _ path: FieldPath) -> JSONNumber? {
        switch v {
        case .integer(let i): return .integer(i)
        case .number(let d): return .double(d)
        case .string(let s):
            sink.add(path, "\(quoted(s)) is a string, not a number")
            return nil
        default:
            sink.add(path, "is \(article(v)), not a number")
            return nil
        }
    }

    mutating func bool(_ v: JSONValue, _ path: FieldPath) -> Bool? {
        if let b = v.boolValue { return b }
        sink.add(path, "is \(article(v)), not true or false")
        return nil
    }

    mutating func object(_ v: JSONValue, _ path: FieldPath, what: String) -> JSONObject? {
        if let o = v.objectValue { return o }
        sink.add(path, "is \(article(v)), not \(what)")
        return nil
    }

    mutating func array(_ v: JSONValue, _ path: FieldPath) -> [JSONValue]? {
        if let a = v.arrayValue { return a }
        sink.add(path, "is \(article(v)), not an array")
        return nil
    }

    mutating func vocabulary(_ v: JSONValue, _ path: FieldPath, _ vocab: CBVVocabulary) -> VocabularyValue? {
        guard let s = string(v, path) else { return nil }
        switch vocab.resolve(s) {
        case .standard(let t): return VocabularyValue(raw: s, term: t)
        case .custom: return VocabularyValue(raw: s, term: nil)
        case .invalid(let why):
            sink.add(path, why)
            return nil
        }
    }

    // MARK: - Identifiers

    enum IdentifierLevel { case instance, classLevel, any }

    /// A URI naming an object, place or party. EPC URIs of the schemes this importer knows must be
    /// well-formed (TDS 2.0) and of the right level; Digital Link GTINs, SSCCs and GLNs must carry a
    /// correct check digit. Other URIs (non-GS1 identifiers) pass on URI syntax alone.
    mutating func identifier(_ v: JSONValue, _ path: FieldPath, level: IdentifierLevel) -> String? {
        guard let s = uri(v, path) else { return nil }
        if s.hasPrefix("urn:epc:") {
            if level == .instance, s.hasPrefix("urn:epc:class:") || s.hasPrefix("urn:epc:idpat:") {
                sink.add(path, "\(quoted(s)) names a class of objects; this field takes one object (an EPC pure identity urn:epc:id:… or a Digital Link with serial)")
                return nil
            }
            if level == .classLevel, s.hasPrefix("urn:epc:id:") {
                sink.add(path, "\(quoted(s)) names one object; epcClass takes a class (urn:epc:class:lgtin:…, urn:epc:idpat:sgtin:…*, or a GTIN Digital Link)")
                return nil
            }
            if EPCURI.isKnown(s), case .failure(let e) = EPCURI.parse(s) {
                sink.add(path, e.message)
                return nil
            }
            return s
        }
        if s.hasPrefix("https://") || s.hasPrefix("http://"), case .success(let dl) = DigitalLink.parse(s),
           ["01", "00", "414", "417"].contains(dl.ai), case .failure(let e) = dl.key()
        {
            sink.add(path, "\(quoted(s)): \(e.message)")
            return nil
        }
        return s
    }

    /// A list of instance identifiers, each unique.
    mutating func identifierList(_ v: JSONValue, _ path: FieldPath) -> [String]? {
        guard let items = array(v, path) else { return nil }
        var out: [String] = []
        var seen = Set<String>()
        var ok = true
        for (i, item) in items.enumerated() {
            guard let s = identifier(item, path.index(i), level: .instance) else {
                ok = false
                continue
            }
            if !seen.insert(s).inserted {
                sink.add(path.index(i), "\(quoted(s)) appears twice in the list")
                ok = false
            }
            out.append(s)
        }
        return ok ? out : nil
    }

    mutating func quantityList(_ v: JSONValue, _ path: FieldPath) -> [QuantityElement]? {
        guard let items = array(v, path) else { return nil }
        var out: [QuantityElement] = []
        var ok = true
        for (i, item) in items.enumerated() {
            let p = path.index(i)
            guard let o = object(item, p, what: "a quantity element object") else {
                ok = false
                continue
            }
            let before = sink.count
            for k in o.keys where !["epcClass", "quantity", "uom"].contains(k) {
                sink.add(p.key(k), "is not a field of a quantity element (epcClass, quantity, uom)\(suggestion(k, ["epcClass", "quantity", "uom"]))")
            }
            var cls: String?
            if let c = o["epcClass"] {
                cls = identifier(c, p.key("epcClass"), level: .classLevel)
            } else {
                sink.add(p.key("epcClass"), "is missing (a quantity element says which class of objects it counts)")
            }
            var qty: JSONNumber?
            if let q = o["quantity"] { qty = number(q, p.key("quantity")) }
            var uom: String?
            if let u = o["uom"], let s = string(u, p.key("uom")) {
                if s.utf8.count >= 2, s.utf8.count <= 3, s.utf8.allSatisfy({ URISyntax.isDigit($0) || ($0 >= 0x41 && $0 <= 0x5A) }) {
                    uom = s
                } else {
                    sink.add(p.key("uom"), "\(quoted(s)) is not a UN/ECE Recommendation 20 unit code (2 or 3 capitals or digits, e.g. \"KGM\")")
                }
            }
            if sink.count > before { ok = false } else if let c = cls { out.append(QuantityElement(epcClass: c, quantity: qty, uom: uom)) }
        }
        return ok ? out : nil
    }

    // MARK: - Keys

    /// True when `key` may be an extension member: an absolute URI, in practice `prefix:name`.
    static func isExtensionKey(_ key: String) -> Bool { URISyntax.isAbsoluteURI(key) }

    /// Reports a member that is neither a field of `owner` nor a namespaced extension.
    mutating func unknownField(_ key: String, _ path: FieldPath, known: [String]) {
        sink.add(path, "is not a field of \(owner)\(suggestion(key, known)); extension fields need a namespace prefix declared in @context (e.g. \"example:\(key)\")")
    }

    /// ", did you mean …?" when the key differs from a known field only by case.
    func suggestion(_ key: String, _ known: [String]) -> String {
        if let m = known.first(where: { $0.lowercased() == key.lowercased() && $0 != key }) {
            return " (did you mean \(quoted(m))?)"
        }
        return ""
    }

    func article(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
