import StampCrypto
import StrictJSON

/// The GS1 CBV 2.0 event hash ID (CBV 2.0 §8.9.2, "EPCIS Event Hash ID"): a SHA-256 over a
/// canonical pre-hash string of the event, written `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920).
///
/// Why: events captured without an `eventID` still need a stable identity for de-duplication and
/// for error declarations that point back at them; the same event sent again, re-serialised, in
/// another field order or with Digital Links instead of EPC URIs gets the same ID.
///
/// What this follows, and where it had to choose, is in docs/provenance.md ("Event hash"): the
/// canonical property order and value rules of the GS1 reference generator's CBV 2.0 profile —
/// no `certificationInfo`, `errorDeclaration`, `eventID` or `recordTime` in the hash; no
/// `sensorElementList` token; user extensions nested in standard fields appended after ILMD with
/// their enclosing field's name; top-level extensions last, sorted.
public enum EventHash {
    /// The algorithm version written into the ID.
    public static let version = "CBV2.0"

    /// `ni:///sha-256;<64 hex>?ver=CBV2.0`
    public static func hashID(_ event: EPCISEvent) -> String {
        "ni:///sha-256;" + Hex.encode(SHA256.hash(Array(preHashString(event).utf8))) + "?ver=" + version
    }

    /// True for a string of the form this type produces (any digest value).
    public static func isHashID(_ s: String) -> Bool {
        let head = "ni:///sha-256;", tail = "?ver=" + version
        guard s.hasPrefix(head), s.hasSuffix(tail) else { return false }
        let hex = s.dropFirst(head.count).dropLast(tail.count)
        return hex.count == 64 && hex.utf8.allSatisfy { URISyntax.isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The canonical pre-hash string (UTF-8 is what gets hashed). `separator` joins the parts; the
    /// standard value is "" — pass "\n" only to read it.
    public static func preHashString(_ e: EPCISEvent, separator: String = "") -> String {
        var b = PreHashBuilder(context: e.context.withStandardGS1(), separator: separator)
        b.field("eventType", e.type.name)
        b.field("eventTime", HashCanonicalValue.time(e.eventTime.text))
        b.field("eventTimeZoneOffset", HashCanonicalValue.string(e.eventTimeZoneOffset, b.context))
        b.epcs("epcList", e.epcList)
        b.field("parentID", e.parentID.map { HashCanonicalValue.string($0, b.context) })
        b.epcs("inputEPCList", e.inputEPCList)
        b.epcs("childEPCs", e.childEPCs)
        b.quantities("quantityList", e.quantityList)
        b.quantities("childQuantityList", e.childQuantityList)
        b.quantities("inputQuantityList", e.inputQuantityList)
        b.epcs("outputEPCList", e.outputEPCList)
        b.quantities("outputQuantityList", e.outputQuantityList)
        b.field("action", e.action?.rawValue)
        b.field("transformationID", e.transformationID.map { HashCanonicalValue.string($0, b.context) })
        b.field("bizStep", e.bizStep.map { HashCanonicalValue.vocabulary($0.raw, .bizStep, b.context) })
        b.field("disposition", e.disposition.map { HashCanonicalValue.vocabulary($0.raw, .disposition, b.context) })
        if let p = e.persistentDisposition {
            let set = p.set.map { "set=" + HashCanonicalValue.vocabulary($0.raw, .disposition, b.context) }.sortedByBytes()
            let unset = p.unset.map { "unset=" + HashCanonicalValue.vocabulary($0.raw, .disposition, b.context) }.sortedByBytes()
            b.group("persistentDisposition", set + unset)
        }
        b.location("readPoint", e.readPoint)
        b.location("bizLocation", e.bizLocation)
        if let list = e.bizTransactionList {
            b.group("bizTransactionList", list.map { t in
                (t.type.map { "type=" + HashCanonicalValue.vocabulary($0.raw, .bizTransactionType, b.context) } ?? "")
                    + "bizTransaction=" + HashCanonicalValue.string(t.id, b.context)
            }.sortedByBytes())
        }
        for (name, field, list) in [("sourceList", "source", e.sourceList), ("destinationList", "destination", e.destinationList)] {
            guard let list else { continue }
            b.group(name, list.map {
                "type=" + HashCanonicalValue.vocabulary($0.type.raw, .sourceDestinationType, b.context)
                    + "\(field)=" + HashCanonicalValue.string($0.id, b.context)
            }.sortedByBytes())
        }
        let sensors = SensorHashing(context: b.context, elements: e.sensorElementList?.arrayValue ?? [])
        b.raw(sensors.standardPart())
        if let ilmd = e.ilmd { b.group("ilmd", b.extensionStrings(ilmd).sortedByBytes()) }
        // User extensions nested in standard fields (CBV 2.0: after ILMD, in field order, each
        // under its enclosing field's name).
        for (name, loc) in [("readPoint", e.readPoint), ("bizLocation", e.bizLocation)] {
            if let loc, !loc.extensions.isEmpty { b.group(name, b.extensionStrings(loc.extensions).sortedByBytes()) }
        }
        b.raw(sensors.extensionPart())
        // Top-level user extensions, sorted.
        b.raw(b.extensionStrings(e.extensions).sortedByBytes().joined(separator: separator))
        return b.parts.filter { !$0.isEmpty }.joined(separator: separator)
    }
}

/// Accumulates pre-hash parts; a field with no value contributes nothing (rule 4).
struct PreHashBuilder {
    let context: JSONLDContext
    let separator: String
    var parts: [String] = []

    init(context: JSONLDContext, separator: String) {
        self.context = context
        self.separator = separator
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let v = value, !v.isEmpty else { return }
        parts.append(name + "=" + v)
    }

    mutating func raw(_ s: String) { if !s.isEmpty { parts.append(s) } }

    /// `name` followed by its already-ordered children, or nothing when there are none.
    mutating func group(_ name: String, _ children: [String]) {
        let kids = children.filter { !$0.isEmpty }
        guard !kids.isEmpty else { return }
        parts.append(name + separator + kids.joined(separator: separator))
    }

    mutating func epcs(_ name: String, _ list: [String]?) {
        guard let list else { return }
        group(name, list.map { "epc=" + HashCanonicalValue.string($0, context) }.sortedByBytes())
    }

    mutating func quantities(_ name: String, _ list: [QuantityElement]?) {
        guard let list else { return }
        group(name, list.map { q in
            "quantityElement" + "epcClass=" + HashCanonicalValue.string(q.epcClass, context)
                + (q.quantity.map { "quantity=" + HashCanonicalValue.number($0) } ?? "")
                + (q.uom.map { "uom=" + HashCanonicalValue.string($0, context) } ?? "")
        }.sortedByBytes())
    }

    mutating func location(_ name: String, _ loc: EPCISLocation?) {
        guard let loc else { return }
        let id = HashCanonicalValue.string(loc.id, context)
        guard !id.isEmpty else { return }
        parts.append(name + "id=" + id)
    }

    /// Extension members as `{namespace}name=value` strings (rule 20); nested objects as the name
    /// followed by their sorted members; each array element repeats the name. Comments do not count.
    func extensionStrings(_ o: JSONObject) -> [String] {
        var out: [String] = []
        for (k, v) in o where !PreHashBuilder.ignoredKeys.contains(k) {
            out += extensionStrings(key: k, value: v)
        }
        return out
    }

    static let ignoredKeys: Set<String> = ["rdfs:comment", "comment", "#text", "@context"]

    func extensionStrings(key: String, value: JSONValue) -> [String] {
        let name = context.expandedKey(key)
        switch value {
        case .array(let items):
            return items.flatMap { extensionStrings(key: key, value: $0) }
        case .object(let o):
            var text = ""
            if let t = o["#text"], let s = HashCanonicalValue.scalar(t, context), !s.isEmpty { text = "=" + s }
            return [name + text + extensionStrings(o).sortedByBytes().joined()]
        default:
            let s = HashCanonicalValue.scalar(value, context) ?? ""
            return [s.isEmpty ? name : name + "=" + s]
        }
    }
}

/// The sensor dimension of the pre-hash (rule 12 and the canonical property order's item 23).
struct SensorHashing {
    let context: JSONLDContext
    let elements: [JSONValue]

    static let metadataOrder = ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"]
    /// The CBV order, then `bizRules` (allowed by the schema in a report, absent from the CBV list).
    static let reportOrder = ["type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time", "microorganism",
                              "chemicalSubstance", "value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue",
                              "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem", "bizRules"]

    private func value(_ key: String, _ v: JSONValue) -> String? {
        switch key {
        case "time", "startTime", "endTime": return v.stringValue.map(HashCanonicalValue.time)
        case "type": return v.stringValue.map { HashCanonicalValue.vocabulary($0, .sensorMeasurementType, context) }
        case "exception": return v.stringValue.map { HashCanonicalValue.vocabulary($0, .sensorAlertType, context) }
        case "component": return v.stringValue.map { HashCanonicalValue.vocabulary($0, .component, context) }
        default: return HashCanonicalValue.scalar(v, context)
        }
    }

    private func ordered(_ o: JSONObject, _ order: [String]) -> String {
        order.compactMap { k in o[k].flatMap { value(k, $0) }.flatMap { $0.isEmpty ? nil : k + "=" + $0 } }.joined()
    }

    private func extensions(_ o: JSONObject, known: [String]) -> [String] {
        var ext = JSONObject()
        for (k, v) in o where !known.contains(k) { ext[k] = v }
        return PreHashBuilder(context: context, separator: "").extensionStrings(ext)
    }

    private var objects: [JSONObject] { elements.compactMap(\.objectValue) }

    /// `sensorElement` + `sensorMetadata`… + sorted `sensorReport`… per element, elements sorted.
    func standardPart() -> String {
        objects.map { el -> String in
            var s = ""
            if let m = el["sensorMetadata"]?.objectValue {
                let meta = ordered(m, Self.metadataOrder)
                if !meta.isEmpty { s += "sensorMetadata" + meta }
            }
            let reports = (el["sensorReport"]?.arrayValue ?? []).compactMap(\.objectValue)
                .map { ordered($0, Self.reportOrder) }.filter { !$0.isEmpty }.map { "sensorReport" + $0 }.sortedByBytes()
            s += reports.joined()
            return s.isEmpty ? "" : "sensorElement" + s
        }.filter { !$0.isEmpty }.sortedByBytes().joined()
    }

    /// Extensions inside sensor elements: `sensorElement` + metadata extensions + report extensions
    /// + element extensions, for elements that have any.
    func extensionPart() -> String {
        objects.map { el -> String in
            var s = ""
            if let m = el["sensorMetadata"]?.objectValue {
                let ext = extensions(m, known: Self.metadataOrder).sortedByBytes()
                if !ext.isEmpty { s += "sensorMetadata" + ext.joined() }
            }
            let reports = (el["sensorReport"]?.arrayValue ?? []).compactMap(\.objectValue)
                .map { extensions($0, known: Self.reportOrder).sortedByBytes().joined() }.filter { !$0.isEmpty }
                .map { "sensorReport" + $0 }.sortedByBytes()
            s += reports.joined()
            s += extensions(el, known: ["sensorMetadata", "sensorReport"]).sortedByBytes().joined()
            return s.isEmpty ? "" : "sensorElement" + s
        }.filter { !$0.isEmpty }.sortedByBytes().joined()
    }
}

extension Array where Element == String {
    /// Sorted by UTF-8 bytes (= Unicode code point order), the CBV's "case-sensitive lexical
    /// ordering considering UTF-8/ASCII code values".
    func sortedByBytes() -> [String] {
        sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

extension JSONLDContext {
    /// This context with `gs1` bound to the GS1 Web Vocabulary, as the reference generator binds it
    /// whatever the document declares.
    func withStandardGS1() -> JSONLDContext {
        var c = self
        c.setPrefix("gs1", JSONLDContext.standard.namespace(of: "gs1")!)
        return c
    }
}
