import FieldStore

/// Which cache to assemble: a region (ISO 3166 code, `MZ` or a subdivision such as `MZ-S`) and an
/// optional time window (inclusive, epoch seconds).
public struct AssemblyScope: Sendable, Equatable {
    public var region: String
    public var from: Int64?
    public var to: Int64?
    public init(region: String, from: Int64? = nil, to: Int64? = nil) { self.region = region; self.from = from; self.to = to }
    public func contains(time t: Int64) -> Bool { (from.map { t >= $0 } ?? true) && (to.map { t <= $0 } ?? true) }
}

/// A sighting of a pack in an EPCIS `inspecting` event, with the place's coordinates from master data.
public struct EventSighting: Sendable, Equatable {
    public var uid: String
    public var eventID: String
    public var time: Int64
    public var place: String
    public var region: String
    public var latitude: Double?
    public var longitude: Double?
}

/// A clone flag raised elsewhere (the hub's clone detection over uploaded inspections).
public struct CloneMark: Sendable, Equatable {
    public var since: Int64
    public var note: String
    public init(since: Int64, note: String) { self.since = since; self.note = note }
}

/// What an assembly wrote and decided.
public struct AssemblyReport: Sendable, Equatable {
    public var packs = 0
    public var packsOutOfScope = 0
    public var containers = 0
    public var events = 0
    public var eventIndexRows = 0
    public var watchlist: [String: Int] = [:]
    public var coverage: [CoverageWindow] = []
    /// Coverage claims not published, with why.
    public var coverageDropped: [String] = []
    public var dashboardFigures = 0
    public init() {}
}

/// Turns the hub's master data, captured events and clone flags into the cache content of one region
/// and time window (docs/provenance.md, "From the hub to the cache"). Pure apart from its source and
/// output: it reads nothing else, and the same source gives the same rows in the same order.
///
/// Three passes keep memory proportional to the containers, not the packs:
/// 1. containers (every AggregationEvent parentID): current parent, past parents, whether seen at a
///    place in the region, watchlist hits;
/// 2. every other id, streamed in id order: packs (from their commissioning event), their current
///    container, their events, watchlist, clone check and dashboard counts;
/// 3. the containers on the chains of the packs written: their aggregation links and events.
public struct CacheAssembler {
    public var scope: AssemblyScope
    /// Clone flags from uploaded inspections, by UID.
    public var cloneMarks: [String: CloneMark]
    /// Decides whether a pack's EPCIS sightings cannot all be the same pack (the hub passes its clone
    /// detector); nil when they can.
    public var sightingCheck: ([EventSighting]) -> CloneMark?

    public init(scope: AssemblyScope, cloneMarks: [String: CloneMark] = [:],
                sightingCheck: @escaping ([EventSighting]) -> CloneMark? = { _ in nil }) {
        self.scope = scope; self.cloneMarks = cloneMarks; self.sightingCheck = sightingCheck
    }

    struct Container {
        var parent: String?
        var linkTime: Int64 = 0
        var everParents: [String] = []
        var located = false
        var watch: Hit?
        var holdsLeaf = false
        var everChildren: [String] = []
    }

    /// A watchlist reason with its time and the event that gave it.
    struct Hit {
        var reason: WatchReason
        var since: Int64
        var rowid: Int64?
        var note: String?
        static func later(_ a: Hit?, _ b: Hit?) -> Hit? {
            guard let a else { return b }
            guard let b else { return a }
            if a.since != b.since { return a.since > b.since ? a : b }
            return severity(a.reason) >= severity(b.reason) ? a : b
        }
        static func severity(_ r: WatchReason) -> Int {
            switch r {
            case .destroyed: return 6
            case .stolen: return 5
            case .seized: return 4
            case .recalled: return 3
            case .deactivated: return 2
            case .clone: return 1
            }
        }
    }

    /// The final state of `rows`' AggregationEvents naming an id as a child: ADD and OBSERVE put it
    /// in the event's parent; DELETE takes it out of that parent. Events in time order (then capture order).
    static func currentLink(_ rows: [IndexRow]) -> (parent: String, time: Int64, rowid: Int64)? {
        let agg = rows.filter { $0.role == .child && $0.event.type == "AggregationEvent" && $0.event.parentID != nil }
            .sorted { ($0.event.time, $0.event.rowid) < ($1.event.time, $1.event.rowid) }
        var current: (String, Int64, Int64)?
        for r in agg {
            let p = r.event.parentID!
            if r.event.action == "DELETE" {
                if current?.0 == p { current = nil }
            } else {
                current = (p, r.event.time, r.event.rowid)
            }
        }
        return current
    }

    public func assemble(from source: AssemblySource, into out: AssemblyOutput) throws -> AssemblyReport {
        var report = AssemblyReport()
        let md = try source.masterData()
        let places = PlaceIndex(md)
        let region = scope.region
        var placeMemo: [Int64: Bool] = [:]
        func inRegion(_ e: EventHead) -> Bool {
            if let v = placeMemo[e.rowid] { return v }
            let v = e.places.contains { places.region(of: $0).map { Area.contains(region, $0) } ?? false }
            placeMemo[e.rowid] = v
            return v
        }

        // Master data: all of it (small, and the checklist of any series a code names is useful anywhere).
        for o in md.operators { try out.add(o) }
        for f in md.facilities { try out.add(f.facility) }
        for m in md.machines { try out.add(m) }
        for p in md.products { try out.add(p) }
        for s in md.series {
            try out.add(s.series)
            for f in s.features { try out.add(f) }
        }

        // Pass 1: containers.
        var containers: [String: Container] = [:]
        for c in try source.containerIDs() {
            let rows = try source.rows(for: c)
            var info = Container()
            if let link = Self.currentLink(rows) { (info.parent, info.linkTime) = (link.parent, link.time) }
            var ever: [String] = []
            for r in rows where r.role == .child && r.event.type == "AggregationEvent" && r.event.action != "DELETE" {
                if let p = r.event.parentID, !ever.contains(p) { ever.append(p) }
            }
            info.everParents = ever
            info.located = rows.contains { scope.contains(time: $0.event.time) && inRegion($0.event) }
            for r in rows where r.event.watchReason != nil && scope.contains(time: r.event.time) && r.role != .input {
                info.watch = Hit.later(info.watch, Hit(reason: r.event.watchReason!, since: r.event.time, rowid: r.event.rowid))
            }
            containers[c] = info
        }
        for (c, info) in containers { for p in info.everParents { containers[p]?.everChildren.append(c) } }
        var regionMemo: [String: Bool] = [:]
        func containerInRegion(_ c: String, _ depth: Int = 0) -> Bool {
            if let v = regionMemo[c] { return v }
            guard let info = containers[c], depth < 8 else { return false }
            let v = info.located || info.everParents.contains { containerInRegion($0, depth + 1) }
            regionMemo[c] = v
            return v
        }
        var watchMemo: [String: Hit?] = [:]
        func containerWatch(_ c: String, _ depth: Int = 0) -> Hit? {
            if let v = watchMemo[c] { return v }
            guard let info = containers[c], depth < 8 else { return nil }
            let v = Hit.later(info.watch, info.parent.flatMap { containerWatch($0, depth + 1) })
            watchMemo[c] = v
            return v
        }

        // Pass 2: packs and other ids.
        var templates: [Int64: ManufactureTemplate] = [:]
        var written: Set<Int64> = []
        var needed: Set<String> = []
        var claimCounts: [Int: (total: Int, included: Int)] = [:]
        let claimsByFacility = Dictionary(grouping: md.coverage.indices, by: { md.coverage[$0].facilityID })
        var applied: [String: [String: Int]] = [:], seen: [String: [String: Int]] = [:]
        let offset = md.utcOffsetMinutes ?? 0
        var watchRows: [WatchlistEntry] = []

        func writeEvents(_ id: String, _ rows: [IndexRow], skipRowid: Int64?) throws {
            var keys: Set<String> = []
            for r in rows where scope.contains(time: r.event.time) {
                if r.role == .child && r.event.rowid == skipRowid { continue }
                guard keys.insert(r.event.eventID + "|" + r.role.rawValue).inserted else { continue }
                if written.insert(r.event.rowid).inserted {
                    let d = try source.detail(rowid: r.event.rowid)
                    try out.add(CachedEvent(eventID: r.event.eventID, type: r.event.type, time: r.event.time, bizStep: r.event.bizStep,
                                            disposition: r.event.disposition, readPoint: d.readPoint, bizLocation: d.bizLocation,
                                            body: d.body, ids: []))
                    report.events += 1
                }
                try out.add(EventEPCRow(epc: id, eventID: r.event.eventID, role: r.role))
                report.eventIndexRows += 1
            }
        }

        try source.forEachID { id, rows in
            if containers[id] != nil { return }
            let link = Self.currentLink(rows)
            for r in rows where r.role == .child && r.event.type == "AggregationEvent" {
                if let p = r.event.parentID { containers[p]?.holdsLeaf = true }
            }
            let commissioning = rows.filter { $0.role == .epc && $0.event.isCommissioning }
                .min { ($0.event.time, $0.event.rowid) < ($1.event.time, $1.event.rowid) }
            var pack: Pack?
            var operatorID: String?
            if let c = commissioning {
                guard scope.contains(time: c.event.time) else {
                    report.packsOutOfScope += 1
                    return
                }
                let t: ManufactureTemplate
                if let cached = templates[c.event.rowid] { t = cached } else {
                    t = try source.detail(rowid: c.event.rowid).manufacture ?? ManufactureTemplate(facility: nil, machine: nil, market: nil,
                                                                                                   series: nil, operatorID: nil, shift: nil)
                    templates[c.event.rowid] = t
                }
                let facility = t.facility.map { places.facilityID(for: $0) ?? $0 } ?? ""
                pack = Pack(uid: id, gtin: c.gtin ?? "", facilityID: facility, machineID: t.machine ?? "", manufactured: c.event.time,
                            market: t.market ?? "", seriesID: t.series ?? "")
                operatorID = t.operatorID ?? places.facilities[facility]?.facility.operatorID
            }
            var included = rows.contains { scope.contains(time: $0.event.time) && inRegion($0.event) }
            if let pack, !included {
                included = (places.facilities[pack.facilityID].map { Area.contains(region, $0.facility.region) } ?? false)
                    || (!pack.market.isEmpty && Area.contains(region, pack.market))
            }
            if !included {
                included = rows.contains { r in
                    r.role == .child && r.event.type == "AggregationEvent" && r.event.parentID.map { containerInRegion($0) } == true
                }
            }
            if let pack {
                for i in claimsByFacility[pack.facilityID] ?? [] where (md.coverage[i].from...md.coverage[i].to).contains(pack.manufactured) {
                    var n = claimCounts[i] ?? (0, 0)
                    n.total += 1
                    if included { n.included += 1 }
                    claimCounts[i] = n
                }
            }
            guard included else {
                if pack != nil { report.packsOutOfScope += 1 }
                return
            }
            if let pack {
                try out.add(pack)
                report.packs += 1
                if let op = operatorID {
                    applied[op, default: [:]][MasterDataFormat.month(pack.manufactured, offsetMinutes: offset), default: 0] += 1
                }
            }
            if let link {
                try out.add(AggregationLink(childID: id, parentID: link.parent, childLevel: .pack, parentLevel: .carton, time: link.time))
                needed.insert(link.parent)
            }
            // Events: the pack's own; the packing event that holds it now is found through its carton.
            try writeEvents(id, rows, skipRowid: link?.rowid)

            // Watchlist: the latest of its own events, its containers', and clone flags.
            var hit: Hit?
            for r in rows where r.event.watchReason != nil && scope.contains(time: r.event.time) && r.role != .input {
                hit = Hit.later(hit, Hit(reason: r.event.watchReason!, since: r.event.time, rowid: r.event.rowid))
            }
            if let p = link?.parent { hit = Hit.later(hit, containerWatch(p)) }
            let sightings = rows.filter { $0.role == .epc && $0.event.isInspection && scope.contains(time: $0.event.time) }
            if let op = operatorID {
                for s in sightings { seen[op, default: [:]][MasterDataFormat.month(s.event.time, offsetMinutes: offset), default: 0] += 1 }
            }
            var clone = cloneMarks[id]
            if sightings.count > 1 {
                var list: [EventSighting] = []
                for s in sightings.sorted(by: { ($0.event.time, $0.event.rowid) < ($1.event.time, $1.event.rowid) }) {
                    let d = try source.detail(rowid: s.event.rowid)
                    guard let place = d.bizLocation ?? d.readPoint else { continue }
                    let loc = places.location(place)
                    list.append(EventSighting(uid: id, eventID: s.event.eventID, time: s.event.time, place: place, region: loc?.region ?? "",
                                              latitude: loc?.latitude, longitude: loc?.longitude))
                }
                if let m = sightingCheck(list), clone.map({ m.since < $0.since }) ?? true { clone = m }
            }
            if let clone { hit = Hit.later(hit, Hit(reason: .clone, since: clone.since, rowid: nil, note: clone.note)) }
            if let hit {
                var note = hit.note ?? ""
                if let rowid = hit.rowid {
                    let d = try source.detail(rowid: rowid)
                    note = Self.note(hit.reason, d, time: hit.since, places: places)
                }
                watchRows.append(WatchlistEntry(uid: id, reason: hit.reason, since: hit.since, note: note))
            }
        }
        for w in watchRows {
            try out.add(w)
            report.watchlist[w.reason.rawValue, default: 0] += 1
        }

        // Levels: a container holding packs is a carton; otherwise one above its highest content.
        var levelMemo: [String: Int] = [:]
        func level(_ c: String, _ depth: Int = 0) -> Int {
            if let v = levelMemo[c] { return v }
            guard let info = containers[c], depth < 8 else { return 1 }
            let v = info.holdsLeaf ? 1 : min(3, 1 + (info.everChildren.map { level($0, depth + 1) }.max() ?? 0))
            levelMemo[c] = max(v, 1)
            return max(v, 1)
        }
        let levels: [PackagingLevel] = [.pack, .carton, .case, .pallet]

        // Pass 3: the containers on the written packs' chains.
        var queue = Array(needed)
        while let c = queue.popLast() {
            if let p = containers[c]?.parent, needed.insert(p).inserted { queue.append(p) }
        }
        for c in needed.sorted() {
            guard let info = containers[c] else { continue }
            if let p = info.parent {
                let cl = level(c), pl = max(level(p), min(3, cl + 1))
                try out.add(AggregationLink(childID: c, parentID: p, childLevel: levels[cl], parentLevel: levels[pl], time: info.linkTime))
            }
            try writeEvents(c, try source.rows(for: c), skipRowid: nil)
            report.containers += 1
        }

        // Coverage: a claim is published only when every pack it covers is in this cache.
        var coverage: [CoverageWindow] = []
        for (i, claim) in md.coverage.enumerated() {
            let from = max(claim.from, scope.from ?? claim.from), to = min(claim.to, scope.to ?? claim.to)
            guard from <= to else { continue }
            let n = claimCounts[i] ?? (0, 0)
            guard n.included == n.total else {
                report.coverageDropped.append("\(claim.facilityID) \(MasterDataFormat.utcText(claim.from))…\(MasterDataFormat.utcText(claim.to)): "
                                              + "\(n.total - n.included) of its \(n.total) packs are outside region \(region)")
                continue
            }
            coverage.append(CoverageWindow(facilityID: claim.facilityID, from: from, to: to))
        }
        coverage.sort { ($0.facilityID, $0.from, $0.to) < ($1.facilityID, $1.from, $1.to) }
        var last: CoverageWindow?
        for w in coverage {
            if let l = last, l.facilityID == w.facilityID, l.from == w.from { continue }  // same key: the longer one came... keep first
            try out.add(w)
            report.coverage.append(w)
            last = w
        }

        // Dashboard: stamps ordered, applied and seen per operator and month, and region-wide (`*`).
        var ordered: [String: [String: Int]] = [:]
        let windowMonths = (scope.from.map { MasterDataFormat.month($0, offsetMinutes: offset) },
                            scope.to.map { MasterDataFormat.month($0, offsetMinutes: offset) })
        let countries = Dictionary(md.operators.map { ($0.operatorID, $0.country) }, uniquingKeysWith: { a, _ in a })
        for o in md.stampOrders {
            guard let country = countries[o.operatorID], Area.contains(region, country) || Area.contains(country, region) else { continue }
            if let f = windowMonths.0, o.month < f { continue }
            if let t = windowMonths.1, o.month > t { continue }
            ordered[o.operatorID, default: [:]][o.month, default: 0] += Int(o.quantity)
        }
        let ops = Set(applied.keys).union(ordered.keys).union(seen.keys).sorted()
        var months: Set<String> = []
        for table in [applied, ordered, seen] { for v in table.values { months.formUnion(v.keys) } }
        var totals: [String: Double] = [:]
        for op in ops {
            for month in months.sorted() {
                for (metric, table) in [("stamps_ordered", ordered), ("stamps_applied", applied), ("stamps_seen", seen)] {
                    let v = Double(table[op]?[month] ?? 0)
                    try out.add(DashboardFigure(operatorID: op, month: month, metric: metric, value: v))
                    totals[month + "|" + metric, default: 0] += v
                    report.dashboardFigures += 1
                }
            }
        }
        for key in totals.keys.sorted() {
            let parts = key.split(separator: "|")
            try out.add(DashboardFigure(operatorID: "*", month: String(parts[0]), metric: String(parts[1]), value: totals[key]!))
            report.dashboardFigures += 1
        }
        return report
    }

    /// The watchlist note: what the report says, its record numbers, and where it happened (named when the
    /// master data knows the place). The reason and the date are columns of their own.
    static func note(_ reason: WatchReason, _ d: EventDetail, time: Int64, places: PlaceIndex) -> String {
        var parts: [String] = []
        if let text = d.watchNote, !text.isEmpty { parts.append(text) }
        if let place = d.bizLocation ?? d.readPoint {
            if let name = places.location(place)?.name { parts.append("at \(name) (\(place))") } else { parts.append("at \(place)") }
        }
        return parts.joined(separator: "; ")
    }
}

/// Places by URI: master-data locations and facility locations, with their region and coordinates.
struct PlaceIndex {
    var locations: [String: MasterDataSet.LocationEntry] = [:]
    var facilities: [String: MasterDataSet.FacilityEntry] = [:]
    var facilityByLocation: [String: String] = [:]

    init(_ md: MasterDataSet) {
        for f in md.facilities {
            facilities[f.facility.facilityID] = f
            for l in f.locations {
                facilityByLocation[l] = f.facility.facilityID
                locations[l] = MasterDataSet.LocationEntry(id: l, name: f.facility.name, region: f.facility.region,
                                                           latitude: f.facility.latitude, longitude: f.facility.longitude)
            }
        }
        for l in md.locations { locations[l.id] = l }
    }

    /// The location, or for an SGLN with an extension (`…00001.M1`, a machine or a dock) its site (`…00001.0`).
    func location(_ uri: String) -> MasterDataSet.LocationEntry? {
        if let l = locations[uri] { return l }
        if let site = Self.site(uri) { return locations[site] }
        return nil
    }

    func region(of uri: String) -> String? { location(uri)?.region }

    /// The facility a commissioning event's facility value names: a facility id, or one of its locations.
    func facilityID(for value: String) -> String? {
        if facilities[value] != nil { return value }
        if let f = facilityByLocation[value] { return f }
        if let site = Self.site(value) { return facilityByLocation[site] }
        return nil
    }

    static func site(_ uri: String) -> String? {
        guard uri.hasPrefix("urn:epc:id:sgln:"), let dot = uri.lastIndex(of: "."), uri[uri.index(after: dot)...] != "0" else { return nil }
        return String(uri[..<dot]) + ".0"
    }
}
