import FieldStore
import StampCodes
import StrictJSON

extension ProvenanceReport {
    /// The report as JSON (`stampwatch provenance --json`, and the `provenance` member of `verify --json`).
    /// Times are RFC 3339; every FCTC value carries its `source` (`code`, `cache`; items with none are `unknown`).
    public func jsonValue() -> JSONValue {
        func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func time(_ t: Int64?) -> JSONValue { t.map { .string(RFC3339.format($0)) } ?? .null }
        let chainJSON: [JSONValue] = chain.map { link in
            .object(JSONObject([("id", .string(link.id)), ("level", str(link.level?.rawValue)),
                                ("packed_at", time(link.packedAt)), ("unpacked_at", time(link.unpackedAt))]))
        }
        let eventsJSON: [JSONValue] = events.map { e in
            var pairs: [(String, JSONValue)] = [
                ("event_id", .string(e.eventID)), ("type", .string(e.type)), ("time", time(e.time)),
                ("action", str(e.action)), ("biz_step", str(e.bizStep)), ("disposition", str(e.disposition)),
                ("read_point", str(e.readPoint)), ("biz_location", str(e.bizLocation)),
                ("via", .array(e.via.map(JSONValue.string))), ("parent_id", str(e.parentID)),
                ("transactions", .array(e.transactions.map { .object(JSONObject([("type", .string($0.type)), ("id", .string($0.id))])) })),
                ("sources", .array(e.sources.map { .object(JSONObject([("type", .string($0.type)), ("id", .string($0.id))])) })),
                ("destinations", .array(e.destinations.map { .object(JSONObject([("type", .string($0.type)), ("id", .string($0.id))])) })),
                ("details", .object(JSONObject(e.details.map { ($0.name, JSONValue.string($0.value)) }))),
                ("fctc_items", .array(e.fctcItems.map { .string($0.rawValue) })),
            ]
            if let u = e.unreadable { pairs.append(("unreadable", .string(u))) }
            return .object(JSONObject(pairs))
        }
        let fctcJSON: [(String, JSONValue)] = fctc.map { entry in
            (entry.item.rawValue, .object(JSONObject([
                ("title", .string(entry.title)), ("source", .string(entry.source.rawValue)),
                ("values", .array(entry.values.map {
                    .object(JSONObject([("label", .string($0.label)), ("value", .string($0.value)), ("source", .string($0.source.rawValue))]))
                })),
            ])))
        }
        let findingsJSON: [JSONValue] = findings.map { f in
            switch f {
            case .watchlisted(let uid, let reason, let since, let note, let via):
                return .object(JSONObject([("finding", "watchlist"), ("uid", .string(uid)), ("reason", .string(reason.rawValue)),
                                           ("since", time(since)), ("note", .string(note)), ("via", .string(via))]))
            case .commissioningMismatch(let m):
                return .object(JSONObject([("finding", "commissioning-mismatch"), ("fields", .array(m.map {
                    .object(JSONObject([("field", .string($0.field)), ("code", .string($0.code)), ("cache", .string($0.cache))]))
                }))]))
            case .neverReported(let w):
                return .object(JSONObject([("finding", "never-reported"), ("facility", .string(w.facilityID)),
                                           ("from", time(w.from)), ("to", time(w.to))]))
            case .notInCache(let covers):
                return .object(JSONObject([("finding", "not-in-cache"), ("covers", .array(covers.map {
                    .object(JSONObject([("facility", .string($0.facilityID)), ("from", time($0.from)), ("to", time($0.to))]))
                }))]))
            }
        }
        return .object(JSONObject([
            ("uid", .string(uid)), ("in_cache", .bool(inCache)),
            ("chain", .array(chainJSON)), ("events", .array(eventsJSON)),
            ("fctc", .object(JSONObject(fctcJSON))), ("findings", .array(findingsJSON)),
        ]))
    }

    /// The short form `stampwatch verify` prints under a verdict: the chain, the FCTC items, and how many
    /// events `stampwatch provenance` would show.
    public func summaryLines() -> [String] {
        var out: [String] = []
        out.append("Chain: " + chain.map { "\($0.levelName) \($0.id)" + ($0.unpackedAt != nil ? " (left)" : "") }.joined(separator: " → "))
        for entry in fctc {
            let values = entry.values.map { "\($0.label) \($0.value) [\($0.source.rawValue)]" }
            out.append("(\(entry.item.rawValue)) \(entry.title): " + (values.isEmpty ? "unknown" : values.joined(separator: "; ")))
        }
        out.append(inCache ? "\(events.count) event(s) in the cache: stampwatch provenance \(uid)" : "Not in the offline cache.")
        return out
    }

    /// Plain text for people and screen readers, one fact per line.
    public func textLines() -> [String] {
        var out: [String] = []
        out.append("Provenance of \(uid)" + (inCache ? "" : " (not in the offline cache)"))
        out.append("Chain: " + chain.map { link in
            var s = "\(link.levelName) \(link.id)"
            if let u = link.unpackedAt { s += " (left \(RFC3339.format(u)))" }
            return s
        }.joined(separator: " → "))
        out.append("FCTC Art. 8.4.1 items:")
        for entry in fctc {
            if entry.values.isEmpty {
                out.append("  (\(entry.item.rawValue)) \(entry.title): unknown")
            } else {
                out.append("  (\(entry.item.rawValue)) \(entry.title):")
                for v in entry.values { out.append("      \(v.label): \(v.value) [\(v.source.rawValue)]") }
            }
        }
        out.append(events.isEmpty ? "Events: none in the cache" : "Events (\(events.count)), oldest first:")
        for e in events {
            var line = "  \(RFC3339.format(e.time))  \(e.headline)"
            if let place = e.bizLocation ?? e.readPoint { line += "  at \(place)" }
            out.append(line)
            out.append("      via \(e.via.joined(separator: ", "))")
            for t in e.transactions { out.append("      \(t.kindName): \(t.id)") }
            for s in e.sources { out.append("      from \(s.type): \(s.id)") }
            for d in e.destinations { out.append("      to \(d.type): \(d.id)") }
            for d in e.details { out.append("      \(d.name): \(d.value)") }
            if let u = e.unreadable { out.append("      (\(u))") }
        }
        for reason in CacheRules.reasons(for: self) { out.append("Cache: \(reason.code): \(reason.message)") }
        return out
    }
}
