import StrictJSON

/// Maps validated EPCIS events onto tobacco track-and-trace provenance facts (FCTC Protocol
/// Art. 8.4.1), as a pure function of one event. The conventions are written out in
/// docs/provenance.md; in short:
/// - commissioning (ILMD) → manufacture, items (a)–(d), ILMD first, event fields as fallback;
/// - AggregationEvent ADD/DELETE → packing/unpacking (parent ← children);
/// - shipping/receiving and related steps → movement, items (h) and (j);
/// - business transactions (inv, po, payment, …) → items (e) and (i);
/// - decommissioning, destroying, and dispositions recalled/stolen/destroyed → watchlist.
public enum TobaccoMapping {
    public static func facts(for e: EPCISEvent) -> [ProvenanceFact] {
        var out: [ProvenanceFact] = []
        let items = objects(e)
        let quantities = quantityRefs(e)
        let step = e.bizStep?.term

        if step == "commissioning" {
            out.append(.manufacture(manufacture(e, items: items, quantities: quantities)))
        }

        if e.type == .aggregationEvent, let action = e.action {
            out.append(.aggregation(AggregationRecord(
                change: action == .add ? .pack : action == .delete ? .unpack : .observe,
                parent: e.parentID.map(ObjectRef.init),
                children: (e.childEPCs ?? []).map(ObjectRef.init),
                childQuantities: (e.childQuantityList ?? []).map(quantityRef),
                time: e.eventTime,
                place: e.bizLocation?.id ?? e.readPoint?.id)))
        }

        if let step, let kind = movementKinds[step] {
            out.append(.movement(MovementRecord(
                kind: kind, bizStep: step, items: items, time: e.eventTime, readPoint: e.readPoint?.id,
                bizLocation: e.bizLocation?.id, sources: e.sourceList ?? [], destinations: e.destinationList ?? [])))
        }

        let parties: (SourceDestination) -> Bool = { ["owning_party", "possessing_party"].contains($0.type.term ?? "") }
        for t in e.bizTransactionList ?? [] {
            out.append(.transaction(TransactionRecord(
                kind: transactionKind(t.type), id: t.id, items: items, time: e.eventTime,
                sellers: (e.sourceList ?? []).filter(parties), buyers: (e.destinationList ?? []).filter(parties),
                fromTransactionEvent: e.type == .transactionEvent)))
        }

        var reasons: [(WatchlistEntry.Reason, String)] = []
        if step == "decommissioning" { reasons.append((.decommissioned, "bizStep decommissioning")) }
        if step == "destroying" { reasons.append((.destroyed, "bizStep destroying")) }
        if let d = e.disposition?.term, let r = watchDispositions[d] { reasons.append((r, "disposition \(d)")) }
        for d in e.persistentDisposition?.set ?? [] {
            if let t = d.term, let r = watchDispositions[t] { reasons.append((r, "persistentDisposition \(t)")) }
        }
        var seen = Set<String>()
        for (r, why) in reasons where seen.insert(r.rawValue).inserted {
            out.append(.watchlist(WatchlistEntry(reason: r, evidence: why, items: items, quantities: quantities, time: e.eventTime)))
        }
        return out
    }

    /// Business steps that move or hold goods, and how the console files them.
    static let movementKinds: [String: MovementRecord.Kind] = [
        "shipping": .shipping, "departing": .shipping, "staging_outbound": .shipping,
        "receiving": .receiving, "arriving": .receiving, "accepting": .receiving,
        "storing": .warehousing, "stocking": .warehousing, "holding": .warehousing,
        "loading": .transport, "unloading": .transport, "transporting": .transport,
    ]

    static let watchDispositions: [String: WatchlistEntry.Reason] = ["recalled": .recalled, "stolen": .stolen, "destroyed": .destroyed]

    /// Every instance the event is about, parent included.
    static func objects(_ e: EPCISEvent) -> [ObjectRef] { e.instanceIdentifiers.map(ObjectRef.init) }

    static func quantityRefs(_ e: EPCISEvent) -> [QuantityRef] {
        ((e.quantityList ?? []) + (e.childQuantityList ?? []) + (e.inputQuantityList ?? []) + (e.outputQuantityList ?? [])).map(quantityRef)
    }

    static func quantityRef(_ q: QuantityElement) -> QuantityRef {
        QuantityRef(epcClass: ObjectRef(q.epcClass), quantity: q.quantity, uom: q.uom)
    }

    /// CBV types by term; a user-defined type whose last name segment is "pay", "payment" or "epr"
    /// (the EU system's payment message) is a payment record.
    static func transactionKind(_ t: VocabularyValue?) -> TransactionRecord.Kind {
        guard let t else { return .untyped }
        switch t.term {
        case "inv": return .invoice
        case "po": return .purchaseOrder
        case "poc": return .orderConfirmation
        case "desadv": return .despatchAdvice
        case "bol": return .billOfLading
        case "recadv": return .receivingAdvice
        case .some: return .other(t.raw)
        case .none:
            let last = t.raw.split(whereSeparator: { "/:#-".contains($0) }).last.map { $0.lowercased() } ?? ""
            return ["pay", "payment", "epr"].contains(last) ? .payment : .other(t.raw)
        }
    }

    /// ILMD local names (any namespace, case-insensitive) read for each manufacture item.
    static let dateNames = ["manufacturingdate", "manufacturedate", "productiondate", "dateofmanufacture", "manufacturingdatetime", "productiondatetime"]
    static let locationNames = ["placeofmanufacture", "manufacturinglocation", "productionlocation", "locationofmanufacture", "countryoforigin"]
    static let facilityNames = ["manufacturingfacility", "productionfacility", "facility", "manufacturingplant", "plant", "manufacturingsite"]
    static let machineNames = ["manufacturingmachine", "productionmachine", "machine", "productionline", "machineid"]
    static let shiftNames = ["productionshift", "manufacturingshift", "shift", "timeofmanufacture"]

    static func manufacture(_ e: EPCISEvent, items: [ObjectRef], quantities: [QuantityRef]) -> ManufactureRecord {
        var flat: [SourcedValue] = []
        var byName: [String: SourcedValue] = [:]
        for (k, v) in e.ilmd ?? JSONObject() {
            let local = (URISyntax.splitCURIE(k)?.local ?? k).lowercased()
            let text: String
            switch v {
            case .string(let s): text = s
            case .integer(let i): text = String(i)
            case .number(let d): text = HashCanonicalValue.number(d)
            case .bool(let b): text = b ? "true" : "false"
            default: text = v.serialized()
            }
            let sv = SourcedValue(text, source: "ilmd \(k)")
            flat.append(sv)
            if byName[local] == nil { byName[local] = sv }
        }
        func pick(_ names: [String]) -> SourcedValue? { names.lazy.compactMap { byName[$0] }.first }
        let place = e.bizLocation.map { SourcedValue($0.id, source: "bizLocation") } ?? e.readPoint.map { SourcedValue($0.id, source: "readPoint") }
        return ManufactureRecord(
            items: items,
            quantities: quantities,
            time: e.eventTime,
            date: pick(dateNames) ?? SourcedValue(e.eventTime.text, source: "eventTime"),
            location: pick(locationNames) ?? place,
            facility: pick(facilityNames) ?? e.bizLocation.map { SourcedValue($0.id, source: "bizLocation") },
            machine: pick(machineNames) ?? e.readPoint.map { SourcedValue($0.id, source: "readPoint") },
            shiftOrTime: pick(shiftNames) ?? SourcedValue(e.eventTime.text, source: "eventTime"),
            ilmd: flat)
    }
}
