import EPCIS
import FieldStore
import StampCodes
import StrictJSON

/// Builds the provenance of one UID from a cache: a pure function of (uid, decrypted code, source).
///
/// The chain: the pack, then its current containers from the cache's aggregation table (innermost
/// first), then containers it was in before and left (from AggregationEvent ADD/DELETE), since a pack
/// inherits what happened to its containers *while it was inside them*: a container's events count only
/// from the time the pack went in until it came out. See docs/provenance.md.
public enum ProvenanceBuilder {
    /// Deeper chains than this are cut (pack → carton → case → pallet needs 3; bad data cannot loop).
    public static let maxDepth = 8

    public static func report(uid: String, payload: StampPayload?, source: any ProvenanceSource) throws -> ProvenanceReport {
        let pack = try source.pack(uid: uid)
        var report = ProvenanceReport(uid: uid, payload: payload, pack: pack, chain: [], events: [], fctc: [], findings: [])

        // Members of the chain with the window in which the pack was inside each.
        struct Member { var link: ChainLink; var from: Int64; var to: Int64 }
        var members = [Member(link: ChainLink(id: uid, level: .pack), from: .min, to: .max)]
        for step in try source.aggregationChain(of: uid) {
            // A container joined at time t stays the pack's only from max(t, the pack's own entry).
            let from = max(step.link.time, members.last!.from)
            if members.contains(where: { $0.link.id == step.link.parentID }) { break }
            members.append(Member(link: ChainLink(id: step.link.parentID, level: step.link.parentLevel, packedAt: step.link.time),
                                  from: from, to: .max))
        }

        // Events of each member within its window; discover containers the pack was in before.
        var byID: [String: (event: ProvenanceEvent, order: Int)] = [:]
        var order = 0
        var i = 0
        while i < members.count {
            let member = members[i]
            i += 1
            let rows = try source.events(naming: member.link.id).filter { $0.time >= member.from && $0.time <= member.to }
            for row in rows {
                let parsed = parse(row, keep: Set(members.map(\.link.id)))
                if member.link.id == uid, report.commissioning == nil, let m = parsed.manufacture { report.commissioning = m }
                let via = "\(member.link.levelName) \(member.link.id)"
                if var existing = byID[row.eventID] {
                    if !existing.event.via.contains(via) { existing.event.via.append(via) }
                    byID[row.eventID] = existing
                } else {
                    var e = parsed.event
                    e.via = [via]
                    byID[row.eventID] = (e, order)
                    order += 1
                }
                // A packing event naming this member as a child, into a parent not in the chain: a former container.
                if members.count < maxDepth, parsed.event.type == "AggregationEvent", parsed.event.action == "ADD",
                   let parent = parsed.event.parentID, parsed.children.contains(member.link.id),
                   !members.contains(where: { $0.link.id == parent }) {
                    let unpacked = try unpackTime(of: member.link.id, from: parent, after: row.time, source: source)
                    members.append(Member(link: ChainLink(id: parent, level: nextLevel(member.link.level), packedAt: row.time,
                                                          unpackedAt: unpacked),
                                          from: max(row.time, member.from), to: unpacked ?? member.to))
                }
            }
        }
        report.chain = members.map(\.link)
        report.events = byID.values.sorted { ($0.event.time, $0.order) < ($1.event.time, $1.order) }.map(\.event)

        // Master data for what the code (or the cache) names.
        let facilityID = payload?.facility ?? pack?.facilityID
        let gtin = payload?.product ?? pack?.gtin
        let machineID = payload?.machine ?? pack?.machineID
        report.facility = try facilityID.flatMap { try source.facility(id: $0) }
        report.economicOperator = try (payload?.operator ?? report.facility?.operatorID).flatMap { try source.economicOperator(id: $0) }
        report.product = try gtin.flatMap { try source.product(gtin: $0) }
        report.machine = try machineID.flatMap { try source.machine(id: $0) }

        report.findings = try findings(uid: uid, payload: payload, pack: pack, chain: report.chain, source: source)
        report.fctc = fctc(report)
        return report
    }

    // MARK: Findings

    static func findings(uid: String, payload: StampPayload?, pack: Pack?, chain: [ChainLink],
                         source: any ProvenanceSource) throws -> [CacheFinding] {
        var out: [CacheFinding] = []
        // Watchlist: the pack, or a container it is in now (a stolen pallet's packs are stolen too).
        for link in chain where link.unpackedAt == nil {
            if let w = try source.watchlistEntry(uid: link.id) {
                out.append(.watchlisted(uid: w.uid, reason: w.reason, since: w.since, note: w.note,
                                        via: link.id == uid ? "" : "\(link.levelName) \(link.id)"))
            }
        }
        if let pack {
            if let p = payload {
                var m: [Mismatch] = []
                if p.product != pack.gtin { m.append(Mismatch(field: "product", code: p.product, cache: pack.gtin)) }
                if p.facility != pack.facilityID { m.append(Mismatch(field: "facility", code: p.facility, cache: pack.facilityID)) }
                if p.market != pack.market { m.append(Mismatch(field: "market", code: p.market, cache: pack.market)) }
                if !m.isEmpty { out.append(.commissioningMismatch(m)) }
            }
        } else if let p = payload, let window = try source.coverage(facility: p.facility, at: p.manufactured) {
            out.append(.neverReported(window))
        } else {
            out.append(.notInCache(covers: try source.coverageWindows()))
        }
        return out
    }

    // MARK: Events

    struct Parsed {
        var event: ProvenanceEvent
        var children: [String]
        var manufacture: ManufactureRecord? = nil
    }

    /// The event's display fields. The body was validated when captured; if it cannot be read now the
    /// row's own columns are shown and the reason is kept.
    ///
    /// `keep` names the chain's ids: long id lists (a commissioning event names hundreds of packs) are cut to
    /// the entries naming them before the event is read, since nothing shown depends on the others and
    /// reading (validating) every EPC of every event was most of a lookup's time. The event's own columns,
    /// id and time are untouched; its full list stays in the cache's `body` and `event_epc`.
    static func parse(_ row: CachedEvent, keep: Set<String> = []) -> Parsed {
        var e = ProvenanceEvent(eventID: row.eventID, type: row.type, time: row.time, action: nil, bizStep: row.bizStep,
                                disposition: row.disposition, readPoint: row.readPoint, bizLocation: row.bizLocation, via: [],
                                parentID: nil, transactions: [], sources: [], destinations: [], details: [], fctcItems: [],
                                unreadable: nil)
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(row.body.utf8), limits: JSONLimits(maxDepth: EPCISReader.maxDepth))
        } catch {
            e.unreadable = "the stored body is not JSON (\(error.description))"
            return Parsed(event: e, children: [])
        }
        let event: EPCISEvent
        switch EPCISReader.read(slim(json, keep: keep)) {
        case .success(let doc) where doc.events.count == 1:
            event = doc.events[0]
        case .success:
            e.unreadable = "the stored body is not a single event"
            return Parsed(event: e, children: [])
        case .failure(let error):
            e.unreadable = "the stored body does not read as an EPCIS event (\(error.issues.first?.description ?? "unknown problem"))"
            return Parsed(event: e, children: [])
        }
        e.action = event.action?.rawValue
        e.parentID = event.parentID
        e.transactions = (event.bizTransactionList ?? []).map { TransactionRef(type: $0.type?.term ?? $0.type?.raw ?? "", id: $0.id) }
        e.sources = (event.sourceList ?? []).map { PartyRef(type: $0.type.term ?? $0.type.raw, id: $0.id) }
        e.destinations = (event.destinationList ?? []).map { PartyRef(type: $0.type.term ?? $0.type.raw, id: $0.id) }
        var details: [(name: String, value: String)] = []
        for (k, v) in event.ilmd ?? JSONObject() { details.append((k, text(v))) }
        for (k, v) in event.extensions { details.append((k, text(v))) }
        e.details = details
        var items: [FCTCItem] = []
        var manufacture: ManufactureRecord?
        for fact in TobaccoMapping.facts(for: event) {
            for item in fact.fctcItems where !items.contains(item) { items.append(item) }
            if case .manufacture(let m) = fact { manufacture = m }
        }
        e.fctcItems = items.sorted { $0.rawValue < $1.rawValue }
        return Parsed(event: e, children: event.childEPCs ?? [], manufacture: manufacture)
    }

    /// The event with each id list longer than `slimThreshold` reduced to its entries that name a kept id
    /// (equal, or an EPC URI whose last segment is the id: an SGTIN's serial is the pack UID), or to its
    /// first entry when none does (a list must not be empty).
    static let slimThreshold = 8

    static func slim(_ value: JSONValue, keep: Set<String>) -> JSONValue {
        guard case .object(var obj) = value else { return value }
        for key in ["epcList", "childEPCs", "inputEPCList", "outputEPCList"] {
            guard let list = obj[key]?.arrayValue, list.count > slimThreshold else { continue }
            let kept = list.filter { item in
                guard let s = item.stringValue else { return true }
                if keep.contains(s) { return true }
                guard let dot = s.lastIndex(where: { $0 == "." || $0 == ":" || $0 == "/" }) else { return false }
                return keep.contains(String(s[s.index(after: dot)...]))
            }
            _ = obj.updateValue(.array(kept.isEmpty ? [list[0]] : kept), forKey: key)
        }
        return .object(obj)
    }

    static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return v.serialized()
    }

    /// When `child` was taken out of `parent` (an AggregationEvent DELETE naming it, or naming no
    /// children, which unpacks all), after `time`; nil if it is still inside as far as the cache knows.
    static func unpackTime(of child: String, from parent: String, after time: Int64, source: any ProvenanceSource) throws -> Int64? {
        for row in try source.events(naming: parent) where row.type == "AggregationEvent" && row.time >= time {
            let p = parse(row, keep: [child, parent])
            if p.event.action == "DELETE", p.event.parentID == parent, p.children.isEmpty || p.children.contains(child) {
                return row.time
            }
        }
        return nil
    }

    static func nextLevel(_ level: PackagingLevel?) -> PackagingLevel? {
        switch level {
        case .pack: .carton
        case .carton: .case
        case .case: .pallet
        case .pallet, nil: nil
        }
    }

    // MARK: FCTC items

    static func fctc(_ r: ProvenanceReport) -> [FCTCEntry] {
        let p = r.payload
        let pack = r.pack
        func fromCode(_ label: String, _ value: String?) -> SourcedText? { value.map { SourcedText(label, $0, .code) } }
        func fromCache(_ label: String, _ value: String?) -> SourcedText? {
            value.flatMap { $0.isEmpty ? nil : SourcedText(label, $0, .cache) }
        }
        // Code first; when there is no code (a UID typed by hand) the cache's commissioning record.
        func codeOrPack(_ label: String, _ code: String?, _ cached: String?) -> SourcedText? {
            fromCode(label, code) ?? fromCache(label, cached)
        }
        let manufactured = p.map { RFC3339.format($0.manufactured) } ?? pack.map { RFC3339.format($0.manufactured) }
        let facilityPlace = r.facility.map { f -> String in
            var s = "\(f.name), region \(f.region)"
            if let lat = f.latitude, let lon = f.longitude { s += " (\(lat), \(lon))" }
            return s
        } ?? r.commissioning?.location?.value
        // The shift: the code's, else the commissioning event's ILMD (the pack table does not hold it).
        let shift = fromCode("shift", p?.shift)
            ?? (p == nil ? r.commissioning.flatMap { m in m.shiftOrTime.source.hasPrefix("ilmd") ? SourcedText("shift", m.shiftOrTime.value, .cache) : nil } : nil)
        var entries: [FCTCEntry] = []
        entries.append(FCTCEntry(item: .a, values: [
            p.map { SourcedText("date", RFC3339.format($0.manufactured), .code) } ?? fromCache("date", manufactured),
            fromCache("place", facilityPlace),
        ].compactMap { $0 }))
        entries.append(FCTCEntry(item: .b, values: [
            codeOrPack("facility", p?.facility, pack?.facilityID),
            fromCache("name", r.facility?.name),
            fromCache("operator", r.economicOperator.map { "\($0.name) (\($0.operatorID), \($0.role.rawValue), \($0.country))" }),
        ].compactMap { $0 }))
        entries.append(FCTCEntry(item: .c, values: [
            codeOrPack("machine", p?.machine, pack?.machineID),
            fromCache("name", r.machine?.name),
        ].compactMap { $0 }))
        entries.append(FCTCEntry(item: .d, values: [
            shift,
            p.map { SourcedText("time", RFC3339.format($0.manufactured), .code) } ?? fromCache("time", manufactured),
        ].compactMap { $0 }))

        // (e) the first transaction naming the pack or a container, (i) buyers of later ones.
        let transactional = r.events.filter { !$0.transactions.isEmpty }
        var e: [SourcedText] = []
        var iItems: [SourcedText] = []
        if let first = transactional.first {
            let buyers = first.destinations.filter { $0.type == "owning_party" || $0.type == "possessing_party" }
            for b in buyers { e.append(SourcedText("customer", b.id, .cache)) }
            for t in first.transactions { e.append(SourcedText(t.kindName, t.id, .cache)) }
            e.append(SourcedText("date", RFC3339.format(first.time), .cache))
            let firstBuyers = Set(buyers.map(\.id))
            var seen = firstBuyers
            for later in transactional.dropFirst() {
                for b in later.destinations where (b.type == "owning_party" || b.type == "possessing_party") && seen.insert(b.id).inserted {
                    iItems.append(SourcedText("purchaser", "\(b.id) (\(RFC3339.format(later.time)))", .cache))
                }
            }
        }
        entries.append(FCTCEntry(item: .e, values: e))
        entries.append(FCTCEntry(item: .f, values: [
            codeOrPack("market", p?.market, pack?.market),
            (p != nil && pack != nil && pack!.market != p!.market) ? SourcedText("commissioned for", pack!.market, .cache) : nil,
        ].compactMap { $0 }))
        entries.append(FCTCEntry(item: .g, values: [
            codeOrPack("GTIN", p?.product, pack?.gtin),
            fromCache("brand", r.product?.brand),
            fromCache("description", r.product?.description),
        ].compactMap { $0 }))

        // (h) every movement step; (j) shipping steps with where from, where to, consignee and route.
        var h: [SourcedText] = []
        var j: [SourcedText] = []
        let movementSteps: Set<String> = ["shipping", "departing", "staging_outbound", "receiving", "arriving", "accepting",
                                          "storing", "stocking", "holding", "loading", "unloading", "transporting"]
        for ev in r.events {
            guard let step = ev.bizStep, movementSteps.contains(step) else { continue }
            let place = ev.bizLocation ?? ev.readPoint ?? "place not reported"
            h.append(SourcedText(step, "\(RFC3339.format(ev.time)) at \(place)", .cache))
            if step == "shipping" || step == "departing" {
                let from = ev.sources.first { $0.type == "location" }?.id ?? ev.readPoint ?? "not reported"
                let to = ev.destinations.first { $0.type == "location" }?.id ?? "not reported"
                j.append(SourcedText("shipment", "\(RFC3339.format(ev.time)) from \(from) to \(to)", .cache))
                if let consignee = ev.destinations.first(where: { $0.type == "owning_party" })?.id {
                    j.append(SourcedText("consignee", consignee, .cache))
                }
                for d in ev.details where d.name.lowercased().contains("route") || d.name.lowercased().contains("consignee") {
                    j.append(SourcedText(d.name, d.value, .cache))
                }
            }
        }
        entries.append(FCTCEntry(item: .h, values: h))
        entries.append(FCTCEntry(item: .i, values: iItems))
        entries.append(FCTCEntry(item: .j, values: j))
        return entries
    }
}
