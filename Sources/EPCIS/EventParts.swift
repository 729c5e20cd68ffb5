import StrictJSON

/// Readers for the structured parts of an event (why and where dimensions, error declaration,
/// certification), each following its definition in the EPCIS 2.0 JSON schema.
extension FieldReader {
    /// `readPoint` / `bizLocation`: `{ "id": uri, …namespaced extensions }`.
    mutating func location(_ v: JSONValue, _ path: FieldPath) -> EPCISLocation? {
        guard let o = object(v, path, what: "an object with an \"id\"") else { return nil }
        let before = sink.count
        var ext = JSONObject()
        for (k, val) in o where k != "id" {
            if FieldReader.isExtensionKey(k) {
                ext[k] = val
            } else {
                sink.add(path.key(k), "is not a field of \(path.text) (only \"id\" and namespaced extensions)")
            }
        }
        var id: String?
        if let i = o["id"] {
            id = identifier(i, path.key("id"), level: .any)
        } else {
            sink.add(path.key("id"), "is missing (a location is named by its identifier, e.g. urn:epc:id:sgln:…)")
        }
        guard sink.count == before, let found = id else { return nil }
        return EPCISLocation(id: found, extensions: ext)
    }

    mutating func bizTransactionList(_ v: JSONValue, _ path: FieldPath) -> [BizTransaction]? {
        guard let items = array(v, path) else { return nil }
        let before = sink.count
        var out: [BizTransaction] = []
        for (i, item) in items.enumerated() {
            let p = path.index(i)
            guard let o = object(item, p, what: "a business transaction object") else { continue }
            for k in o.keys where k != "type" && k != "bizTransaction" {
                sink.add(p.key(k), "is not a field of a business transaction (type, bizTransaction)\(suggestion(k, ["type", "bizTransaction"]))")
            }
            let t = o["type"].flatMap { vocabulary($0, p.key("type"), .bizTransactionType) }
            guard let raw = o["bizTransaction"] else {
                sink.add(p.key("bizTransaction"), "is missing (the transaction's identifier, e.g. an invoice number as a URI)")
                continue
            }
            if let id = uri(raw, p.key("bizTransaction")) { out.append(BizTransaction(type: t, id: id)) }
        }
        return sink.count == before ? out : nil
    }

    /// `sourceList` (`field` "source") or `destinationList` (`field` "destination").
    mutating func sourceDestinationList(_ v: JSONValue, _ path: FieldPath, field: String) -> [SourceDestination]? {
        guard let items = array(v, path) else { return nil }
        let before = sink.count
        var out: [SourceDestination] = []
        for (i, item) in items.enumerated() {
            let p = path.index(i)
            guard let o = object(item, p, what: "a \(field) object") else { continue }
            for k in o.keys where k != "type" && k != field {
                sink.add(p.key(k), "is not a field of a \(field) (type, \(field))\(suggestion(k, ["type", field]))")
            }
            var t: VocabularyValue?
            if let tv = o["type"] {
                t = vocabulary(tv, p.key("type"), .sourceDestinationType)
            } else {
                sink.add(p.key("type"), "is missing (owning_party, possessing_party or location)")
            }
            var id: String?
            if let iv = o[field] {
                id = identifier(iv, p.key(field), level: .any)
            } else {
                sink.add(p.key(field), "is missing (the party or location identifier)")
            }
            if let t, let id { out.append(SourceDestination(type: t, id: id)) }
        }
        return sink.count == before ? out : nil
    }

    mutating func persistentDisposition(_ v: JSONValue, _ path: FieldPath) -> PersistentDisposition? {
        guard let o = object(v, path, what: "an object with \"set\" and/or \"unset\"") else { return nil }
        let before = sink.count
        for k in o.keys where k != "set" && k != "unset" {
            sink.add(path.key(k), "is not a field of persistentDisposition (set, unset)")
        }
        if o["set"] == nil, o["unset"] == nil {
            sink.add(path, "has neither \"set\" nor \"unset\"")
        }
        func list(_ key: String) -> [VocabularyValue] {
            guard let raw = o[key], let items = array(raw, path.key(key)) else { return [] }
            if items.isEmpty { sink.add(path.key(key), "is empty (omit it instead)") }
            var out: [VocabularyValue] = []
            for (i, item) in items.enumerated() {
                guard let d = vocabulary(item, path.key(key).index(i), .disposition) else { continue }
                if out.contains(where: { $0.raw == d.raw }) { sink.add(path.key(key).index(i), "\(quoted(d.raw)) appears twice") }
                out.append(d)
            }
            return out
        }
        let set = list("set")
        let unset = list("unset")
        return sink.count == before ? PersistentDisposition(set: set, unset: unset) : nil
    }

    mutating func errorDeclaration(_ v: JSONValue, _ path: FieldPath) -> ErrorDeclaration? {
        guard let o = object(v, path, what: "an error declaration object") else { return nil }
        let before = sink.count
        let known = ["declarationTime", "reason", "correctiveEventIDs"]
        var ext = JSONObject()
        for (k, val) in o where !known.contains(k) {
            if FieldReader.isExtensionKey(k) { ext[k] = val } else { sink.add(path.key(k), "is not a field of errorDeclaration (\(known.joined(separator: ", ")), or a namespaced extension)\(suggestion(k, known))") }
        }
        var t: EPCISTime?
        if let d = o["declarationTime"] {
            t = time(d, path.key("declarationTime"))
        } else {
            sink.add(path.key("declarationTime"), "is missing (when the error was declared)")
        }
        let reason = o["reason"].flatMap { vocabulary($0, path.key("reason"), .errorReason) }
        var ids: [String] = []
        if let c = o["correctiveEventIDs"], let items = array(c, path.key("correctiveEventIDs")) {
            for (i, item) in items.enumerated() {
                if let s = uri(item, path.key("correctiveEventIDs").index(i)) { ids.append(s) }
            }
        }
        guard sink.count == before, let when = t else { return nil }
        return ErrorDeclaration(declarationTime: when, reason: reason, correctiveEventIDs: ids, extensions: ext)
    }

    /// `certificationInfo`: a URI, an array of URIs, or an array of `{"gs1:CertificationDetails": {…}}`
    /// objects whose members follow the GS1 Web Vocabulary (dates are `YYYY-MM-DD`).
    mutating func certificationInfo(_ v: JSONValue, _ path: FieldPath) {
        switch v {
        case .string:
            _ = uri(v, path)
        case .array(let items):
            var kinds = Set<String>()
            for (i, item) in items.enumerated() {
                let p = path.index(i)
                switch item {
                case .string:
                    kinds.insert("uri")
                    _ = uri(item, p)
                case .object(let o):
                    kinds.insert("details")
                    certificationDetailsWrapper(o, p)
                default:
                    sink.add(p, "is \(article(item)), not a certificate URI nor a gs1:CertificationDetails object")
                }
            }
            if kinds.count > 1 { sink.add(path, "mixes certificate URIs and gs1:CertificationDetails objects; use one form") }
        default:
            sink.add(path, "is \(article(v)), not a certificate URI or an array of them")
        }
    }

    private mutating func certificationDetailsWrapper(_ o: JSONObject, _ path: FieldPath) {
        guard let d = o["gs1:CertificationDetails"] else {
            sink.add(path.key("gs1:CertificationDetails"), "is missing (each certificationInfo object wraps one gs1:CertificationDetails)")
            return
        }
        let p = path.key("gs1:CertificationDetails")
        guard let details = object(d, p, what: "a gs1:CertificationDetails object") else { return }
        let strings = ["gs1:certificationAgency", "gs1:certificationIdentification", "gs1:certificationStandard", "gs1:certificationStatement",
                       "gs1:certificationSubject", "gs1:certificationType", "gs1:certificationValue"]
        let dates = ["gs1:certificationAuditDate", "gs1:certificationEndDate", "gs1:certificationStartDate", "gs1:initialCertificationDate"]
        let known = strings + dates + ["gs1:certificationAgencyURL", "gs1:certificationStatus", "gs1:certificationURI"]
        for (k, val) in details {
            let kp = p.key(k)
            if strings.contains(k) {
                _ = string(val, kp)
            } else if dates.contains(k) {
                if let s = string(val, kp), !EPCISTime.isFullDate(s) {
                    sink.add(kp, "\(quoted(s)) is not a date of the form YYYY-MM-DD")
                }
            } else if k == "gs1:certificationAgencyURL" {
                _ = object(val, kp, what: "an object")
            } else if k == "gs1:certificationStatus" {
                if let s = string(val, kp), s != "ACTIVE", s != "INACTIVE" {
                    sink.add(kp, "\(quoted(s)) is not ACTIVE or INACTIVE")
                }
            } else if k == "gs1:certificationURI" {
                _ = uri(val, kp)
            } else {
                sink.add(kp, "is not a property of gs1:CertificationDetails\(suggestion(k, known))")
            }
        }
    }
}
