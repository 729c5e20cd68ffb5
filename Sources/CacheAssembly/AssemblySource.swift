import FieldStore

/// The columns of a stored event that every pass reads (one row of the hub's per-EPC index joined
/// with its event).
public struct EventHead: Sendable, Equatable {
    /// The hub's row number for the event (stable, used for look-ups and de-duplication).
    public var rowid: Int64
    public var eventID: String
    public var type: String
    public var time: Int64
    public var action: String?
    public var bizStep: String?
    public var disposition: String?
    /// parentID as a cache id.
    public var parentID: String?
    public var watchReason: WatchReason?
    /// readPoint, bizLocation, source and destination locations.
    public var places: [String]

    public init(rowid: Int64, eventID: String, type: String, time: Int64, action: String?, bizStep: String?, disposition: String?,
                parentID: String?, watchReason: WatchReason?, places: [String]) {
        self.rowid = rowid; self.eventID = eventID; self.type = type; self.time = time; self.action = action
        self.bizStep = bizStep; self.disposition = disposition; self.parentID = parentID; self.watchReason = watchReason
        self.places = places
    }

    public var isCommissioning: Bool { type == "ObjectEvent" && bizStep == "commissioning" && action == "ADD" }
    public var isInspection: Bool { type == "ObjectEvent" && bizStep == "inspecting" }
}

/// One entry of the per-EPC index: `id` is named by `event` in `role`.
public struct IndexRow: Sendable, Equatable {
    public var id: String
    public var role: EPCRole
    /// The GTIN of an SGTIN, nil for other ids.
    public var gtin: String?
    public var event: EventHead
    public init(id: String, role: EPCRole, gtin: String?, event: EventHead) {
        self.id = id; self.role = role; self.gtin = gtin; self.event = event
    }
}

/// The rest of a stored event, read only for the events that go into the cache.
public struct EventDetail: Sendable, Equatable {
    public var readPoint: String?
    public var bizLocation: String?
    public var watchNote: String?
    public var manufacture: ManufactureTemplate?
    public var body: String
    public init(readPoint: String?, bizLocation: String?, watchNote: String?, manufacture: ManufactureTemplate?, body: String) {
        self.readPoint = readPoint; self.bizLocation = bizLocation; self.watchNote = watchNote; self.manufacture = manufacture
        self.body = body
    }
}

/// What `CacheAssembler` reads: the hub's master data and its captured events, through the per-EPC
/// index. The hub's SQLite store implements it; tests may implement it over arrays.
public protocol AssemblySource {
    func masterData() throws -> MasterDataSet
    /// Every id that is the parentID of some AggregationEvent (the containers), as cache ids.
    func containerIDs() throws -> [String]
    /// The index rows naming `id`.
    func rows(for id: String) throws -> [IndexRow]
    /// Every id of the index with all its rows, in ascending id order (streamed: memory stays flat).
    func forEachID(_ body: (String, [IndexRow]) throws -> Void) throws
    func detail(rowid: Int64) throws -> EventDetail
}

/// Where assembled rows go (a `FieldStore.ContentSink` inside `SnapshotBuilder.build`).
public protocol AssemblyOutput {
    func add<R: ContentRow>(_ row: R) throws
}

extension ContentSink: AssemblyOutput {}

/// One `event_epc` row written on its own (the assembler indexes an event under the ids that bring
/// it into the cache, not all the ids it names).
struct EventEPCRow: ContentRow {
    static var table: ContentSchema.Table { ContentSchema.eventEPC }
    var epc: String
    var eventID: String
    var role: EPCRole
    var values: [SQLValue] { [.text(epc), .text(eventID), .text(role.rawValue)] }
}
