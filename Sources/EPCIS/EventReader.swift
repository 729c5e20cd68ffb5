import StrictJSON

/// Turns one event's JSON into an `EPCISEvent`, or into every problem that stops it being one,
/// following the EPCIS 2.0 JSON schema (field names and types per event type, required fields,
/// the "what" alternatives) and the CBV 2.0 vocabulary rules.
///
/// Why pure and exhaustive: a capture document is evidence. Rejecting it must say precisely why,
/// all at once, and must never depend on anything but the bytes.
enum EventReader {
    static let commonFields = ["@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "certificationInfo", "errorDeclaration"]

    /// Fields each standard event type admits besides the common ones (EPCIS 2.0 JSON schema
    /// `propertyNames`).
    static func specificFields(_ t: EPCISEventType) -> [String] {
        switch t {
        case .objectEvent:
            return ["action", "epcList", "quantityList", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
                    "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd"]
        case .aggregationEvent, .associationEvent:
            return ["parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "persistentDisposition", "readPoint",
                    "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList"]
        case .transactionEvent:
            return ["bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep", "disposition", "persistentDisposition",
                    "readPoint", "bizLocation", "sourceList", "destinationList", "sensorElementList"]
        case .transformationEvent:
            return ["inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "bizStep", "disposition",
                    "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
                    "sensorElementList", "ilmd"]
        case .extended:
            return []
        }
    }

    static let standardTypes = "ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent"

    /// Reads the event at `index` (nil for a bare event document) under the document's context.
    static func read(_ value: JSONValue, index: Int?, documentContext: JSONLDContext) -> Result<EPCISEvent, EPCISDocumentError> {
        var r = FieldReader(sink: IssueSink(eventIndex: index, eventType: nil), owner: "the event")
        guard case .object(let obj) = value else {
            r.sink.add(.root, "is \(r.article(value)), not an event object")
            return .failure(EPCISDocumentError(issues: r.sink.issues))
        }
        guard let tv = obj["type"] else {
            r.sink.add(FieldPath.root.key("type"), "is missing (\(standardTypes))")
            return .failure(EPCISDocumentError(issues: r.sink.issues))
        }
        guard let typeName = tv.stringValue else {
            r.sink.add(FieldPath.root.key("type"), "is \(r.article(tv)), not an event type name")
            return .failure(EPCISDocumentError(issues: r.sink.issues))
        }
        let type = EPCISEventType(typeName)
        if case .extended = type, !URISyntax.isAbsoluteURI(typeName) {
            r.sink.add(FieldPath.root.key("type"), "\(quoted(typeName)) is not \(standardTypes), nor a URI naming an event type of your own")
            return .failure(EPCISDocumentError(issues: r.sink.issues))
        }
        r.sink.eventType = typeName
        r = FieldReader(sink: r.sink, owner: typeName)

        var context = documentContext
        if let c = obj["@context"] {
            JSONLDContext.validate(c, at: FieldPath.root.key("@context"), into: &r.sink)
            context = context.adding(c)
        }

        // Which members are allowed.
        let known = commonFields + specificFields(type)
        var extensions = JSONObject()
        for (k, v) in obj where !known.contains(k) {
            if FieldReader.isExtensionKey(k) {
                extensions[k] = v
            } else if case .extended = type {
                r.sink.add(FieldPath.root.key(k), "is not a field of an EPCIS event; fields of your own event types need a namespace prefix (e.g. \"example:\(k)\")")
            } else {
                let all = commonFields + specificFields(.objectEvent) + specificFields(.aggregationEvent) + specificFields(.transformationEvent)
                if all.contains(k) {
                    r.sink.add(FieldPath.root.key(k), "is not a field of \(typeName)")
                } else {
                    r.unknownField(k, FieldPath.root.key(k), known: known)
                }
            }
        }

        func field(_ k: String) -> FieldPath { FieldPath.root.key(k) }

        // When: required for every event.
        var eventTime: EPCISTime?
        if let v = obj["eventTime"] { eventTime = r.time(v, field("eventTime")) } else {
            r.sink.add(field("eventTime"), "is missing (when the event took place, e.g. 2026-07-22T06:45:00.000+02:00)")
        }
        var offset: String?
        if let v = obj["eventTimeZoneOffset"], let s = r.string(v, field("eventTimeZoneOffset")) {
            if isTimeZoneOffset(s) { offset = s } else {
                r.sink.add(field("eventTimeZoneOffset"), "\(quoted(s)) is not a time zone offset of the form +hh:mm or -hh:mm between -14:00 and +14:00")
            }
        } else if obj["eventTimeZoneOffset"] == nil {
            r.sink.add(field("eventTimeZoneOffset"), "is missing (the local offset where the event took place, e.g. \"+02:00\")")
        }
        let recordTime = obj["recordTime"].flatMap { r.time($0, field("recordTime")) }
        let eventID = obj["eventID"].flatMap { r.uri($0, field("eventID")) }
        let errorDeclaration = obj["errorDeclaration"].flatMap { r.errorDeclaration($0, field("errorDeclaration")) }
        if let c = obj["certificationInfo"] { r.certificationInfo(c, field("certificationInfo")) }

        let allowed = Set(known)
        func has(_ k: String) -> Bool { allowed.contains(k) && obj[k] != nil }
        func take<T>(_ k: String, _ read: (inout FieldReader, JSONValue, FieldPath) -> T?) -> T? {
            guard allowed.contains(k), let v = obj[k] else { return nil }
            return read(&r, v, field(k))
        }

        // Action: every type but TransformationEvent (and user-defined types) says what it does.
        var action: EPCISAction?
        if allowed.contains("action") {
            if let v = obj["action"] {
                if let s = r.string(v, field("action")) {
                    if let a = EPCISAction(rawValue: s) { action = a } else {
                        r.sink.add(field("action"), "\(quoted(s)) is not ADD, OBSERVE or DELETE")
                    }
                }
            } else {
                let article = "AEIOU".contains(typeName.first ?? "x") ? "an" : "a"
                r.sink.add(field("action"), "is missing (\(article) \(typeName) says ADD, OBSERVE or DELETE)")
            }
        }

        let epcList = take("epcList") { $0.identifierList($1, $2) }
        let quantityList = take("quantityList") { $0.quantityList($1, $2) }
        let parentID = take("parentID") { $0.identifier($1, $2, level: .instance) }
        let childEPCs = take("childEPCs") { $0.identifierList($1, $2) }
        let childQuantityList = take("childQuantityList") { $0.quantityList($1, $2) }
        let inputEPCList = take("inputEPCList") { $0.identifierList($1, $2) }
        let inputQuantityList = take("inputQuantityList") { $0.quantityList($1, $2) }
        let outputEPCList = take("outputEPCList") { $0.identifierList($1, $2) }
        let outputQuantityList = take("outputQuantityList") { $0.quantityList($1, $2) }
        let transformationID = take("transformationID") { $0.uri($1, $2) }
        let bizStep = take("bizStep") { $0.vocabulary($1, $2, .bizStep) }
        let disposition = take("disposition") { $0.vocabulary($1, $2, .disposition) }
        let persistent = take("persistentDisposition") { $0.persistentDisposition($1, $2) }
        let readPoint = take("readPoint") { $0.location($1, $2) }
        let bizLocation = take("bizLocation") { $0.location($1, $2) }
        let bizTransactions = take("bizTransactionList") { $0.bizTransactionList($1, $2) }
        let sources = take("sourceList") { $0.sourceDestinationList($1, $2, field: "source") }
        let destinations = take("destinationList") { $0.sourceDestinationList($1, $2, field: "destination") }
        if allowed.contains("sensorElementList"), let v = obj["sensorElementList"] { r.sensorElementList(v, field("sensorElementList")) }

        var ilmd: JSONObject?
        if allowed.contains("ilmd"), let v = obj["ilmd"], let o = r.object(v, field("ilmd"), what: "an object of namespaced master data fields") {
            var ok = true
            for k in o.keys where !FieldReader.isExtensionKey(k) {
                r.sink.add(field("ilmd").key(k), "has no namespace prefix: ILMD fields are extensions and must be namespaced (e.g. \"example:\(k)\" with \"example\" declared in @context)")
                ok = false
            }
            if ok { ilmd = o }
        }

        // The schema's "what" alternatives and the cross-field rules, judged on presence so that a
        // malformed field is reported once, not again as missing.
        func nonEmptyArray(_ k: String) -> Bool { (obj[k]?.arrayValue?.isEmpty == false) || (obj[k] != nil && obj[k]?.arrayValue == nil) }
        switch type {
        case .objectEvent:
            if !has("epcList"), !nonEmptyArray("quantityList"), !(nonEmptyArray("sensorElementList") && has("readPoint")) {
                r.sink.add(field("epcList"), "and quantityList are both missing: an ObjectEvent names its objects by EPC or by quantity (or, for a pure sensor observation, gives sensorElementList and readPoint)")
            }
            if has("ilmd"), let a = action, a != .add {
                r.sink.add(field("ilmd"), "is only allowed when action is ADD (master data travels with the objects' creation), here action is \(a.rawValue)")
            }
        case .aggregationEvent, .associationEvent:
            if let a = action, a != .delete, !nonEmptyArray("childEPCs"), !nonEmptyArray("childQuantityList") {
                r.sink.add(field("childEPCs"), "and childQuantityList are both missing or empty: only a DELETE may leave the children unnamed")
            }
            if !has("parentID") {
                if type == .associationEvent {
                    r.sink.add(field("parentID"), "is missing (an AssociationEvent always names its parent)")
                } else if let a = action, a != .observe {
                    r.sink.add(field("parentID"), "is missing (an AggregationEvent with action \(a.rawValue) must name the parent container)")
                }
            }
        case .transactionEvent:
            if !has("bizTransactionList") {
                r.sink.add(field("bizTransactionList"), "is missing (a TransactionEvent names at least one business transaction)")
            } else if obj["bizTransactionList"]?.arrayValue?.isEmpty == true {
                r.sink.add(field("bizTransactionList"), "is empty (a TransactionEvent names at least one business transaction)")
            }
            if let a = action, a != .delete, !has("epcList"), !nonEmptyArray("quantityList") {
                r.sink.add(field("epcList"), "and quantityList are both missing: only a DELETE may leave the objects unnamed")
            }
        case .transformationEvent:
            let inputs = nonEmptyArray("inputEPCList") || nonEmptyArray("inputQuantityList")
            let outputs = nonEmptyArray("outputEPCList") || nonEmptyArray("outputQuantityList")
            if !(inputs && outputs) {
                if !(inputs || outputs) {
                    r.sink.add(field("inputEPCList"), "and the other input and output lists are all missing or empty: a TransformationEvent names what went in and what came out")
                } else if !has("transformationID") {
                    r.sink.add(field("transformationID"), "is missing: a TransformationEvent with only \(inputs ? "inputs" : "outputs") must give the transformationID that links it to the rest of the transformation")
                }
            }
        case .extended:
            break
        }

        guard r.sink.count == 0, let time = eventTime, let off = offset else {
            return .failure(EPCISDocumentError(issues: r.sink.issues))
        }
        var e = EPCISEvent(type: type, eventTime: time, eventTimeZoneOffset: off, context: context, json: obj)
        e.recordTime = recordTime
        e.eventID = eventID
        e.errorDeclaration = errorDeclaration
        e.certificationInfo = obj["certificationInfo"]
        e.action = action
        e.epcList = epcList
        e.quantityList = quantityList
        e.parentID = parentID
        e.childEPCs = childEPCs
        e.childQuantityList = childQuantityList
        e.inputEPCList = inputEPCList
        e.inputQuantityList = inputQuantityList
        e.outputEPCList = outputEPCList
        e.outputQuantityList = outputQuantityList
        e.transformationID = transformationID
        e.bizStep = bizStep
        e.disposition = disposition
        e.persistentDisposition = persistent
        e.readPoint = readPoint
        e.bizLocation = bizLocation
        e.bizTransactionList = bizTransactions
        e.sourceList = sources
        e.destinationList = destinations
        e.sensorElementList = allowed.contains("sensorElementList") ? obj["sensorElementList"] : nil
        e.ilmd = ilmd
        e.extensions = extensions
        return .success(e)
    }

    /// `^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$`
    static func isTimeZoneOffset(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 6, u[0] == 0x2B || u[0] == 0x2D, u[3] == 0x3A else { return false }
        guard [u[1], u[2], u[4], u[5]].allSatisfy(URISyntax.isDigit) else { return false }
        let h = Int(u[1] - 0x30) * 10 + Int(u[2] - 0x30)
        let m = Int(u[4] - 0x30) * 10 + Int(u[5] - 0x30)
        return (h <= 13 && m <= 59) || (h == 14 && m == 0)
    }
}
