import FieldStore

/// What the provenance builder reads from a cache: the console's read queries, as a protocol so the
/// core runs on an in-memory double in tests and on the field store everywhere else.
public protocol ProvenanceSource: Sendable {
    func pack(uid: String) throws -> Pack?
    /// The current containers of `id`, innermost first.
    func aggregationChain(of id: String) throws -> [AggregationStep]
    /// Events naming `id` itself (not its containers), oldest first.
    func events(naming id: String) throws -> [CachedEvent]
    func watchlistEntry(uid: String) throws -> WatchlistEntry?
    func coverage(facility: String, at time: Int64) throws -> CoverageWindow?
    /// Every coverage window (what the cache claims to hold completely).
    func coverageWindows() throws -> [CoverageWindow]
    func facility(id: String) throws -> Facility?
    func economicOperator(id: String) throws -> EconomicOperator?
    func product(gtin: String) throws -> Product?
    func machine(id: String) throws -> Machine?
}

extension FieldStore: ProvenanceSource {
    public func events(naming id: String) throws -> [CachedEvent] {
        try events(for: id, includeAncestors: false)
    }
}

/// An in-memory cache for tests and tools: the same answers as the field store's queries.
public struct MemoryProvenanceSource: ProvenanceSource {
    public var packs: [String: Pack] = [:]
    public var links: [String: AggregationLink] = [:]
    public var eventList: [CachedEvent] = []
    public var watchlist: [String: WatchlistEntry] = [:]
    public var windows: [CoverageWindow] = []
    public var facilities: [String: Facility] = [:]
    public var operators: [String: EconomicOperator] = [:]
    public var products: [String: Product] = [:]
    public var machines: [String: Machine] = [:]

    public init() {}

    public func pack(uid: String) -> Pack? { packs[uid] }

    public func aggregationChain(of id: String) -> [AggregationStep] {
        var out: [AggregationStep] = []
        var current = id
        while out.count < 8, let link = links[current] {
            out.append(AggregationStep(link: link, depth: out.count + 1))
            current = link.parentID
        }
        return out
    }

    public func events(naming id: String) -> [CachedEvent] {
        eventList.filter { $0.ids.contains { $0.epc == id } }
            .map { e in var e = e; e.ids = e.ids.filter { $0.epc == id }; return e }
            .sorted { ($0.time, $0.eventID) < ($1.time, $1.eventID) }
    }

    public func watchlistEntry(uid: String) -> WatchlistEntry? { watchlist[uid] }

    public func coverage(facility: String, at time: Int64) -> CoverageWindow? {
        windows.filter { $0.facilityID == facility && $0.from <= time && $0.to >= time }.max { $0.from < $1.from }
    }

    public func coverageWindows() -> [CoverageWindow] {
        windows.sorted { ($0.facilityID, $0.from) < ($1.facilityID, $1.from) }
    }

    public func facility(id: String) -> Facility? { facilities[id] }
    public func economicOperator(id: String) -> EconomicOperator? { operators[id] }
    public func product(gtin: String) -> Product? { products[gtin] }
    public func machine(id: String) -> Machine? { machines[id] }
}
