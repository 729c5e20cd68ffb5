import StrictJSON

/// A validated EPCIS 2.0 JSON-LD capture: a document (`EPCISDocument`), a query result document
/// (`EPCISQueryDocument`), or a single event sent on its own.
public struct EPCISDocument: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case document = "EPCISDocument"
        case queryDocument = "EPCISQueryDocument"
        case singleEvent = "event"
    }

    public var kind: Kind
    /// `schemaVersion` as written ("2.0"); nil for a single event.
    public var schemaVersion: String?
    public var creationDate: EPCISTime?
    /// The document-level prefixes (GS1 EPCIS context plus the document's own `@context`).
    public var context: JSONLDContext
    /// The events in document order; index `i` here is `eventList[i]` in the input.
    public var events: [EPCISEvent]
    /// The whole document as received.
    public var json: JSONObject
}

/// Reads EPCIS 2.0 JSON-LD bytes into an `EPCISDocument`, or rejects them whole with every problem.
///
/// Offline by design: `@context` URLs are not fetched; the GS1 EPCIS context's prefixes are built in
/// and inline prefix declarations are honoured.
public enum EPCISReader {
    /// Deeper nesting than this is refused before any EPCIS rule runs: real captures nest a dozen
    /// levels, and a bound keeps every recursive step of validation and hashing shallow.
    public static let maxDepth = 96

    public static func read(_ bytes: [UInt8]) -> Result<EPCISDocument, EPCISDocumentError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: JSONLimits(maxDepth: maxDepth))
        } catch {
            return .failure(EPCISDocumentError(issues: [
                EPCISIssue(eventIndex: nil, eventType: nil, field: "", problem: "is not well-formed JSON: \(error.description)"),
            ]))
        }
        return read(value)
    }

    public static func read(_ value: JSONValue) -> Result<EPCISDocument, EPCISDocumentError> {
        var r = FieldReader(sink: IssueSink(eventIndex: nil, eventType: nil), owner: "the document")
        func fail() -> Result<EPCISDocument, EPCISDocumentError> { .failure(EPCISDocumentError(issues: r.sink.issues)) }
        let root = FieldPath.root
        guard case .object(let obj) = value else {
            r.sink.add(root, "is \(r.article(value)), not a JSON object (an EPCISDocument or a single event)")
            return fail()
        }
        guard let tv = obj["type"] else {
            r.sink.add(root.key("type"), "is missing (EPCISDocument, EPCISQueryDocument, or an event type)")
            if obj["@context"] == nil { r.sink.add(root.key("@context"), "is missing (an EPCIS 2.0 JSON-LD document declares the GS1 EPCIS context)") }
            return fail()
        }
        guard let type = r.string(tv, root.key("type")) else { return fail() }

        var context = JSONLDContext.standard
        if let c = obj["@context"] {
            JSONLDContext.validate(c, at: root.key("@context"), into: &r.sink)
            context = context.adding(c)
        } else {
            r.sink.add(root.key("@context"), "is missing (an EPCIS 2.0 JSON-LD document declares the GS1 EPCIS context, e.g. \"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\")")
        }

        switch type {
        case "EPCISDocument", "EPCISQueryDocument":
            let isQuery = type == "EPCISQueryDocument"
            let known = isQuery ? ["@context", "id", "type", "schemaVersion", "creationDate", "epcisBody"]
                : ["@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier", "sender", "receiver", "epcisHeader", "epcisBody"]
            for k in obj.keys where !known.contains(k) && !FieldReader.isExtensionKey(k) {
                r.unknownField(k, root.key(k), known: known)
            }
            var schemaVersion: String?
            if let v = obj["schemaVersion"], let s = r.string(v, root.key("schemaVersion")) {
                let parts = s.split(separator: ".", omittingEmptySubsequences: false)
                if parts.isEmpty || !parts.allSatisfy({ GS1Key.allDigits($0) }) {
                    r.sink.add(root.key("schemaVersion"), "\(quoted(s)) is not a version number such as \"2.0\"")
                } else if parts[0] != "2" {
                    r.sink.add(root.key("schemaVersion"), "\(quoted(s)) is not an EPCIS 2.x version; this importer reads EPCIS 2.0 JSON-LD")
                } else {
                    schemaVersion = s
                }
            } else if obj["schemaVersion"] == nil, !isQuery {
                r.sink.add(root.key("schemaVersion"), "is missing (\"2.0\")")
            }
            var creationDate: EPCISTime?
            if let v = obj["creationDate"] { creationDate = r.time(v, root.key("creationDate")) } else if !isQuery {
                r.sink.add(root.key("creationDate"), "is missing (when the document was created)")
            }
            if let v = obj["id"] { _ = r.uri(v, root.key("id")) }
            for k in ["instanceIdentifier", "sender", "receiver"] { if let v = obj[k] { _ = r.string(v, root.key(k)) } }
            if let h = obj["epcisHeader"], let ho = r.object(h, root.key("epcisHeader"), what: "an object") {
                for k in ho.keys where k != "epcisMasterData" && !FieldReader.isExtensionKey(k) {
                    r.unknownField(k, root.key("epcisHeader").key(k), known: ["epcisMasterData"])
                }
                if let m = ho["epcisMasterData"] { _ = r.object(m, root.key("epcisHeader").key("epcisMasterData"), what: "an object") }
            }
            guard let bodyValue = obj["epcisBody"] else {
                r.sink.add(root.key("epcisBody"), "is missing (it holds the eventList)")
                return fail()
            }
            let bodyPath = root.key("epcisBody")
            guard let body = r.object(bodyValue, bodyPath, what: "an object holding the event list") else { return fail() }
            var listValue: JSONValue?
            var listPath = bodyPath.key("eventList")
            if isQuery {
                for k in body.keys where k != "queryResults" && !FieldReader.isExtensionKey(k) { r.unknownField(k, bodyPath.key(k), known: ["queryResults"]) }
                let qp = bodyPath.key("queryResults")
                guard let qv = body["queryResults"] else {
                    r.sink.add(qp, "is missing (a query document carries queryResults)")
                    return fail()
                }
                guard let q = r.object(qv, qp, what: "an object") else { return fail() }
                for k in q.keys where !["queryName", "subscriptionID", "resultsBody"].contains(k) && !FieldReader.isExtensionKey(k) {
                    r.unknownField(k, qp.key(k), known: ["queryName", "subscriptionID", "resultsBody"])
                }
                if let n = q["queryName"] { _ = r.string(n, qp.key("queryName")) } else { r.sink.add(qp.key("queryName"), "is missing") }
                if let s = q["subscriptionID"] { _ = r.string(s, qp.key("subscriptionID")) }
                let rp = qp.key("resultsBody")
                guard let rv = q["resultsBody"] else {
                    r.sink.add(rp, "is missing (it holds the eventList)")
                    return fail()
                }
                guard let rb = r.object(rv, rp, what: "an object") else { return fail() }
                for k in rb.keys where k != "eventList" && k != "vocabularyList" && !FieldReader.isExtensionKey(k) {
                    r.unknownField(k, rp.key(k), known: ["eventList", "vocabularyList"])
                }
                listValue = rb["eventList"]
                listPath = rp.key("eventList")
            } else {
                listValue = body["eventList"]
            }
            guard let lv = listValue else {
                r.sink.add(listPath, "is missing (the events of the document)")
                return fail()
            }
            guard let list = r.array(lv, listPath) else { return fail() }
            var events: [EPCISEvent] = []
            var issues = r.sink.issues
            for (i, ev) in list.enumerated() {
                switch EventReader.read(ev, index: i, documentContext: context) {
                case .success(let e): events.append(e)
                case .failure(let err): issues += err.issues
                }
            }
            guard issues.isEmpty else { return .failure(EPCISDocumentError(issues: issues)) }
            return .success(EPCISDocument(kind: isQuery ? .queryDocument : .document, schemaVersion: schemaVersion,
                                          creationDate: creationDate, context: context, events: events, json: obj))

        default:
            // A single event on its own (EPCIS 2.0 §12: capture of one event).
            let documentIssues = r.sink.issues
            switch EventReader.read(value, index: 0, documentContext: JSONLDContext.standard) {
            case .success(let e):
                guard documentIssues.isEmpty else { return .failure(EPCISDocumentError(issues: documentIssues)) }
                return .success(EPCISDocument(kind: .singleEvent, schemaVersion: nil, creationDate: nil, context: e.context, events: [e], json: obj))
            case .failure(let err):
                // The event reader checks the event's own @context syntax; report the missing one once.
                let contextIssues = documentIssues.filter { !($0.field == "@context" && obj["@context"] != nil) }
                return .failure(EPCISDocumentError(issues: contextIssues + err.issues))
            }
        }
    }
}
