import EPCIS
import FieldStore
import StrictJSON

/// How the cache names what an event names.
///
/// A pack is keyed by its stamp UID, which the tobacco mapping reads as the serial of its SGTIN
/// (`urn:epc:id:sgtin:9520011.000101.MZ0003E30KZ2` and `https://id.gs1.org/01/09520011001011/21/MZ0003E30KZ2`
/// are both the pack `MZ0003E30KZ2`). Every other id (SSCCs of cartons, cases and pallets; national
/// schemes; `urn:uuid:`) is kept as written: an SSCC written once as a URN and once as a Digital Link
/// is two ids to the cache (the URN needs the company prefix length, which a Digital Link does not carry).
public enum CacheID {
    public static func of(_ epc: String) -> (id: String, gtin: String?) {
        if epc.hasPrefix("urn:epc:id:sgtin:") || epc.contains("/01/") {
            if case .success(.sgtin(let gtin, let serial)) = GS1Key.parse(epc) { return (serial, gtin) }
        }
        return (epc, nil)
    }
}

/// What the hub keeps about each captured event in queryable form, beside the document itself: the
/// columns the cache needs, the ids it names (per-EPC index), the facts the tobacco mapping reads
/// from it, and the event as JSON with its `@context`. A pure function of one validated event.
public struct EventSummary: Sendable, Equatable {
    public var eventID: String
    public var type: String
    /// eventTime, epoch seconds (UTC).
    public var time: Int64
    public var action: String?
    /// The CBV term (`shipping`) when the value is one; otherwise the URI as written.
    public var bizStep: String?
    public var disposition: String?
    public var readPoint: String?
    public var bizLocation: String?
    /// parentID as a cache id.
    public var parentID: String?
    /// Every location the event names: readPoint, bizLocation, source and destination locations.
    public var places: [String]
    /// The watchlist reason this event gives the ids it names, and the evidence in words.
    public var watchReason: WatchReason?
    public var watchNote: String?
    /// For commissioning: what the pack rows need.
    public var manufacture: ManufactureTemplate?
    /// The ids named, as cache ids, with their role and (for SGTINs) their GTIN.
    public var ids: [NamedID]
    /// The event on its own with the document's `@context`, so it can be read and re-hashed alone.
    public var body: String

    public struct NamedID: Sendable, Equatable, Hashable {
        public var id: String
        public var role: EPCRole
        public var gtin: String?
        public init(id: String, role: EPCRole, gtin: String?) { self.id = id; self.role = role; self.gtin = gtin }
    }

    public init(eventID: String, type: String, time: Int64, action: String?, bizStep: String?, disposition: String?,
                readPoint: String?, bizLocation: String?, parentID: String?, places: [String], watchReason: WatchReason?,
                watchNote: String?, manufacture: ManufactureTemplate?, ids: [NamedID], body: String) {
        self.eventID = eventID; self.type = type; self.time = time; self.action = action; self.bizStep = bizStep
        self.disposition = disposition; self.readPoint = readPoint; self.bizLocation = bizLocation; self.parentID = parentID
        self.places = places; self.watchReason = watchReason; self.watchNote = watchNote; self.manufacture = manufacture
        self.ids = ids; self.body = body
    }

    /// The seizure convention (CBV 2.0 has no "seized" disposition): an ObjectEvent with bizStep
    /// `holding` and disposition `non_sellable_other`. Its `…seizureRecord` extension, if any, is the note.
    public static func isSeizure(type: String, bizStep: String?, disposition: String?) -> Bool {
        type == "ObjectEvent" && bizStep == "holding" && disposition == "non_sellable_other"
    }

    public static func summarize(_ e: EPCISEvent, eventID: String, documentContext: JSONValue?) -> EventSummary {
        let step = e.bizStep.map { $0.term ?? $0.raw }, disp = e.disposition.map { $0.term ?? $0.raw }
        var ids: [NamedID] = []
        var seen: Set<NamedID> = []
        func add(_ list: [String]?, _ role: EPCRole) {
            for epc in list ?? [] {
                let c = CacheID.of(epc)
                let n = NamedID(id: c.id, role: role, gtin: c.gtin)
                if seen.insert(n).inserted { ids.append(n) }
            }
        }
        add(e.epcList, .epc)
        add(e.parentID.map { [$0] }, .parent)
        add(e.childEPCs, .child)
        add(e.inputEPCList, .input)
        add(e.outputEPCList, .output)

        var places: [String] = []
        for p in [e.readPoint?.id, e.bizLocation?.id].compactMap({ $0 }) where !places.contains(p) { places.append(p) }
        for sd in (e.sourceList ?? []) + (e.destinationList ?? []) where sd.type.term == "location" && !places.contains(sd.id) {
            places.append(sd.id)
        }

        var reason: WatchReason?
        var note: String?
        var manufacture: ManufactureTemplate?
        for fact in TobaccoMapping.facts(for: e) {
            switch fact {
            case .watchlist(let w) where reason == nil:
                switch w.reason {
                case .decommissioned: reason = .deactivated
                case .destroyed: reason = .destroyed
                case .recalled: reason = .recalled
                case .stolen: reason = .stolen
                }
                note = w.evidence
            case .manufacture(let m) where e.action == .add:
                manufacture = ManufactureTemplate(m, ilmd: e.ilmd)
            default: break
            }
        }
        if reason == nil, isSeizure(type: e.type.name, bizStep: step, disposition: disp) {
            reason = .seized
            note = "bizStep holding, disposition non_sellable_other"
        }
        if reason != nil {
            // What an officer reads first: the reporter's own words (an extension named finding, comment,
            // description or reason), then record numbers to quote (record, report, notice), then the EPCIS
            // evidence in brackets.
            var words: [String] = []
            var records: [String] = []
            for (k, v) in e.extensions {
                let name = k.split(whereSeparator: { $0 == ":" || $0 == "#" || $0 == "/" }).last.map(String.init) ?? k
                let local = name.lowercased()
                guard let s = v.stringValue, !s.isEmpty else { continue }
                if ["finding", "comment", "description", "reason", "remark"].contains(where: { local.contains($0) }) {
                    words.append(s.hasSuffix(".") ? String(s.dropLast()) : s)
                } else if local.contains("record") || local.contains("report") || local.contains("notice") {
                    records.append("\(name) \(s)")
                }
            }
            let evidence = note.map { "(EPCIS: \($0))" }
            note = (words + records + [evidence].compactMap { $0 }).joined(separator: "; ")
        }

        var body = e.json
        if body["@context"] == nil, let documentContext {
            body = JSONObject([("@context", documentContext)] + body.map { ($0.key, $0.value) })
        }
        return EventSummary(
            eventID: eventID, type: e.type.name, time: e.eventTime.epochSeconds, action: e.action?.rawValue, bizStep: step,
            disposition: disp, readPoint: e.readPoint?.id, bizLocation: e.bizLocation?.id, parentID: e.parentID.map { CacheID.of($0).id },
            places: places, watchReason: reason, watchNote: note, manufacture: manufacture, ids: ids,
            body: JSONValue.object(body).serialized())
    }
}

/// What a commissioning event says about the packs it commissions (FCTC items a–d, f), read by the
/// tobacco mapping from ILMD (any namespace, case-insensitive local names), else from bizLocation and
/// readPoint.
public struct ManufactureTemplate: Sendable, Equatable {
    /// ILMD manufacturingFacility (or facility, plant…), else the bizLocation URI.
    public var facility: String?
    public var machine: String?
    public var market: String?
    public var series: String?
    public var operatorID: String?
    public var shift: String?

    public init(facility: String?, machine: String?, market: String?, series: String?, operatorID: String?, shift: String?) {
        self.facility = facility; self.machine = machine; self.market = market; self.series = series
        self.operatorID = operatorID; self.shift = shift
    }

    static let marketNames = ["intendedmarket", "market", "targetmarket", "marketofsale", "intendedmarketofretailsale"]
    static let seriesNames = ["stampseries", "series", "taxstampseries"]
    static let operatorNames = ["economicoperator", "economicoperatorid", "eoid", "operator"]

    init(_ m: ManufactureRecord, ilmd: JSONObject?) {
        var byName: [String: String] = [:]
        for (k, v) in ilmd ?? JSONObject() {
            let local = (k.split(separator: ":", maxSplits: 1).count == 2 ? String(k.split(separator: ":", maxSplits: 1)[1]) : k).lowercased()
            if byName[local] == nil, let s = v.stringValue { byName[local] = s }
        }
        func pick(_ names: [String]) -> String? { names.lazy.compactMap { byName[$0] }.first }
        facility = m.facility?.value
        machine = m.machine?.value
        market = pick(Self.marketNames)
        series = pick(Self.seriesNames)
        operatorID = pick(Self.operatorNames)
        shift = m.shiftOrTime.source == "eventTime" ? nil : m.shiftOrTime.value
    }

    /// Stored by the hub as a small JSON object.
    public var json: String {
        var members: [(String, JSONValue)] = []
        for (k, v) in [("facility", facility), ("machine", machine), ("market", market), ("series", series), ("operator", operatorID),
                       ("shift", shift)] {
            if let v { members.append((k, .string(v))) }
        }
        return JSONValue.object(JSONObject(members)).serialized()
    }

    public init?(json: String) {
        guard case .object(let o)? = try? JSONParser.parse(Array(json.utf8)) else { return nil }
        self.init(facility: o["facility"]?.stringValue, machine: o["machine"]?.stringValue, market: o["market"]?.stringValue,
                  series: o["series"]?.stringValue, operatorID: o["operator"]?.stringValue, shift: o["shift"]?.stringValue)
    }
}
