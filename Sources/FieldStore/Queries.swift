import Foundation
import GRDB
import StampCodes

/// One step of a pack's aggregation chain: `childID` (at `childLevel`) was put in `parentID` at `time`.
public struct AggregationStep: Sendable, Equatable {
    public var link: AggregationLink
    /// 1 for the pack's own container, 2 for that container's, …
    public var depth: Int
    public init(link: AggregationLink, depth: Int) { self.link = link; self.depth = depth }
}

/// What the cache knows about a UID the officer scanned.
public enum PackLookup: Sendable, Equatable {
    /// The cache has the pack.
    case found(Pack)
    /// The cache claims to hold every pack of this facility and time, and this UID is not among them:
    /// the code names a pack that was never reported (a strong sign of a clone or a forged payload).
    case unknownInCoveredScope(CoverageWindow)
    /// The cache makes no claim about that facility and time: "unknown" means nothing here.
    case notCovered
}

/// The console's read queries. All run on pool readers, concurrently with an update being applied
/// (they see the cache before or after the swap, never a mixture).
extension FieldStore {
    /// The pack with this UID (a single b-tree descent on `pack`'s primary key).
    public func pack(uid: String) throws(FieldStoreError) -> Pack? {
        try read { db in try Self.pack(db, uid: uid) }
    }

    static func pack(_ db: Database, uid: String) throws -> Pack? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT uid, gtin, facility_id, machine_id, manufactured, market, series_id FROM pack WHERE uid = ?"),
                         arguments: [uid]).map {
            Pack(uid: $0[0], gtin: $0[1], facilityID: $0[2], machineID: $0[3], manufactured: $0[4], market: $0[5], seriesID: $0[6])
        }
    }

    /// The pack, or whether its absence means something: `unknownInCoveredScope` when the cache covers
    /// the facility and manufacturing time the code claims.
    public func lookupPack(uid: String, claimedFacility: String, claimedManufactured: Int64) throws(FieldStoreError) -> PackLookup {
        try read { db in
            if let pack = try Self.pack(db, uid: uid) { return .found(pack) }
            if let window = try Self.coverage(db, facility: claimedFacility, at: claimedManufactured) {
                return .unknownInCoveredScope(window)
            }
            return .notCovered
        }
    }

    /// The containers of `id`, innermost first (pack → carton → case → pallet). Stops after 8 levels,
    /// so a cycle in bad data cannot loop.
    public func aggregationChain(of id: String) throws(FieldStoreError) -> [AggregationStep] {
        try read { db in try Self.aggregationChain(db, id: id) }
    }

    static func aggregationChain(_ db: Database, id: String) throws -> [AggregationStep] {
        try Row.fetchAll(try db.cachedStatement(sql: """
            WITH RECURSIVE chain (child_id, parent_id, child_level, parent_level, time, depth) AS (
              SELECT child_id, parent_id, child_level, parent_level, time, 1 FROM aggregation WHERE child_id = ?
              UNION ALL
              SELECT a.child_id, a.parent_id, a.child_level, a.parent_level, a.time, c.depth + 1
              FROM aggregation a JOIN chain c ON a.child_id = c.parent_id WHERE c.depth < 8)
            SELECT child_id, parent_id, child_level, parent_level, time, depth FROM chain ORDER BY depth
            """), arguments: [id]).map {
            AggregationStep(link: AggregationLink(childID: $0[0], parentID: $0[1],
                                                  childLevel: PackagingLevel(rawValue: $0[2]) ?? .pack,
                                                  parentLevel: PackagingLevel(rawValue: $0[3]) ?? .pack, time: $0[4]),
                            depth: $0[5])
        }
    }

    /// The ids directly inside `id` (children), e.g. the packs of a carton.
    public func children(of id: String) throws(FieldStoreError) -> [AggregationLink] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT child_id, parent_id, child_level, parent_level, time FROM aggregation WHERE parent_id = ? ORDER BY child_id",
                             arguments: [id]).map {
                AggregationLink(childID: $0[0], parentID: $0[1], childLevel: PackagingLevel(rawValue: $0[2]) ?? .pack,
                                parentLevel: PackagingLevel(rawValue: $0[3]) ?? .pack, time: $0[4])
            }
        }
    }

    /// Events naming `id` (as epc, parent, child, input or output) and, with `includeAncestors`, those
    /// naming any of its containers; oldest first. Each event's `ids` are the ones that matched (the
    /// asked id or its containers, with their roles); its full id list is in `body`.
    public func events(for id: String, includeAncestors: Bool = true) throws(FieldStoreError) -> [CachedEvent] {
        try read { db in
            var ids = [id]
            if includeAncestors { ids += try Self.aggregationChain(db, id: id).map(\.link.parentID) }
            let placeholders = ids.map { _ in "?" }.joined(separator: ", ")
            var order: [String] = []
            var events: [String: CachedEvent] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT e.event_id, e.type, e.time, e.biz_step, e.disposition, e.read_point, e.biz_location, e.body, x.epc, x.role
                FROM event_epc x JOIN event e ON e.event_id = x.event_id
                WHERE x.epc IN (\(placeholders))
                ORDER BY e.time, e.event_id, x.role, x.epc
                """, arguments: StatementArguments(ids)) {
                let eventID: String = r[0]
                let matched = CachedEvent.EventID(r[8], EPCRole(rawValue: r[9]) ?? .epc)
                if events[eventID] == nil {
                    order.append(eventID)
                    events[eventID] = CachedEvent(eventID: eventID, type: r[1], time: r[2], bizStep: r[3], disposition: r[4],
                                                  readPoint: r[5], bizLocation: r[6], body: r[7], ids: [])
                }
                events[eventID]!.ids.append(matched)
            }
            return order.map { events[$0]! }
        }
    }

    /// The watchlist entry for a UID, if any.
    public func watchlistEntry(uid: String) throws(FieldStoreError) -> WatchlistEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT uid, reason, since, note FROM watchlist WHERE uid = ?", arguments: [uid]).map {
                WatchlistEntry(uid: $0[0], reason: WatchReason(rawValue: $0[1]) ?? .deactivated, since: $0[2], note: $0[3])
            }
        }
    }

    /// A series and its optical checklist in order; nil when the cache does not know the series.
    public func checklist(series seriesID: String) throws(FieldStoreError) -> (series: StampSeries, features: [ChecklistFeature])? {
        try read { db in
            guard let s = try Row.fetchOne(db, sql: "SELECT series_id, name, description FROM series WHERE series_id = ?",
                                           arguments: [seriesID]) else { return nil }
            let features = try Row.fetchAll(db, sql: """
                SELECT series_id, feature_id, position, name, level, look_for, tool FROM series_feature
                WHERE series_id = ? ORDER BY position, feature_id
                """, arguments: [seriesID]).map {
                ChecklistFeature(seriesID: $0[0], featureID: $0[1], position: $0[2], name: $0[3],
                                 level: FeatureLevel(rawValue: $0[4]) ?? .overt, lookFor: $0[5],
                                 tool: InspectionTool(rawValue: $0[6]) ?? .none)
            }
            return (StampSeries(seriesID: s[0], name: s[1], description: s[2]), features)
        }
    }

    /// The coverage window holding `facility` at `time`, if the cache claims one.
    public func coverage(facility: String, at time: Int64) throws(FieldStoreError) -> CoverageWindow? {
        try read { db in try Self.coverage(db, facility: facility, at: time) }
    }

    static func coverage(_ db: Database, facility: String, at time: Int64) throws -> CoverageWindow? {
        try Row.fetchOne(try db.cachedStatement(sql: """
            SELECT facility_id, from_time, to_time FROM coverage
            WHERE facility_id = ? AND from_time <= ? AND to_time >= ? ORDER BY from_time DESC LIMIT 1
            """), arguments: [facility, time, time]).map { CoverageWindow(facilityID: $0[0], from: $0[1], to: $0[2]) }
    }

    public func facility(id: String) throws(FieldStoreError) -> Facility? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT facility_id, operator_id, name, lat, lon, region FROM facility WHERE facility_id = ?",
                             arguments: [id]).map {
                Facility(facilityID: $0[0], operatorID: $0[1], name: $0[2], latitude: $0[3], longitude: $0[4], region: $0[5])
            }
        }
    }

    public func economicOperator(id: String) throws(FieldStoreError) -> EconomicOperator? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT operator_id, name, role, country FROM economic_operator WHERE operator_id = ?",
                             arguments: [id]).map {
                EconomicOperator(operatorID: $0[0], name: $0[1], role: OperatorRole(rawValue: $0[2]) ?? .manufacturer, country: $0[3])
            }
        }
    }

    public func product(gtin: String) throws(FieldStoreError) -> Product? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT gtin, brand, description FROM product WHERE gtin = ?", arguments: [gtin]).map {
                Product(gtin: $0[0], brand: $0[1], description: $0[2])
            }
        }
    }

    public func machine(id: String) throws(FieldStoreError) -> Machine? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT machine_id, facility_id, name FROM machine WHERE machine_id = ?", arguments: [id]).map {
                Machine(machineID: $0[0], facilityID: $0[1], name: $0[2])
            }
        }
    }

    /// Dashboard figures of one operator (`*` for region-wide), by month then metric.
    public func dashboard(operator operatorID: String) throws(FieldStoreError) -> [DashboardFigure] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT operator_id, month, metric, value FROM dashboard_figure WHERE operator_id = ? ORDER BY month, metric",
                             arguments: [operatorID]).map {
                DashboardFigure(operatorID: $0[0], month: $0[1], metric: $0[2], value: $0[3])
            }
        }
    }

    /// The cache's keyring as a `StampCodes.Keyring` (`.empty` before the first cache). Parse it once
    /// per cache version: it checks every key.
    public func keyring() throws(FieldStoreError) -> Keyring {
        let json = try read { db in try String.fetchOne(db, sql: "SELECT json FROM keyring WHERE id = 1") }
        guard let json else { return .empty }
        do { return try Keyring.parse(Array(json.utf8)) } catch { throw FieldStoreError.keyring(error.description) }
    }
}

extension FieldStore {
    /// Every coverage window, by facility then start: what the cache claims to hold completely.
    public func coverageWindows() throws(FieldStoreError) -> [CoverageWindow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT facility_id, from_time, to_time FROM coverage ORDER BY facility_id, from_time").map {
                CoverageWindow(facilityID: $0[0], from: $0[1], to: $0[2])
            }
        }
    }
}
