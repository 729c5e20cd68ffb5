/// The cache content as values: what builders take and queries return, one type per content table.
///
/// Each type knows its table and its column values in DDL order (`ContentRow`), which is all a builder
/// needs; the queries read them back with the same column order.

/// A column value, one case per SQLite storage class.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A row of a content table.
public protocol ContentRow: Sendable {
    static var table: ContentSchema.Table { get }
    /// Column values in `table.columns` order.
    var values: [SQLValue] { get }
    /// Rows of other tables that belong to this one (an event's ids); none by default.
    func writeDependentRows(to sink: ContentSink) throws(FieldStoreError)
}

extension ContentRow {
    public func writeDependentRows(to sink: ContentSink) throws(FieldStoreError) {}
}

public enum WatchReason: String, Sendable, CaseIterable {
    case deactivated, recalled, stolen, destroyed, seized, clone
}

public struct WatchlistEntry: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.watchlist }
    public var uid: String
    public var reason: WatchReason
    /// Epoch seconds.
    public var since: Int64
    public var note: String
    public init(uid: String, reason: WatchReason, since: Int64, note: String = "") {
        self.uid = uid; self.reason = reason; self.since = since; self.note = note
    }
    public var values: [SQLValue] { [.text(uid), .text(reason.rawValue), .integer(since), .text(note)] }
}

public struct StampSeries: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.series }
    public var seriesID: String
    public var name: String
    public var description: String
    public init(seriesID: String, name: String, description: String = "") {
        self.seriesID = seriesID; self.name = name; self.description = description
    }
    public var values: [SQLValue] { [.text(seriesID), .text(name), .text(description)] }
}

public enum FeatureLevel: String, Sendable, CaseIterable {
    case overt, semiCovert = "semi-covert", covert
}

public enum InspectionTool: String, Sendable, CaseIterable {
    case none, loupe, uvTorch = "uv-torch", reader
}

/// One item of a series' optical checklist.
public struct ChecklistFeature: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.seriesFeature }
    public var seriesID: String
    public var featureID: String
    public var position: Int64
    public var name: String
    public var level: FeatureLevel
    /// What the officer should look for.
    public var lookFor: String
    public var tool: InspectionTool
    public init(seriesID: String, featureID: String, position: Int64, name: String, level: FeatureLevel, lookFor: String,
                tool: InspectionTool) {
        self.seriesID = seriesID; self.featureID = featureID; self.position = position; self.name = name
        self.level = level; self.lookFor = lookFor; self.tool = tool
    }
    public var values: [SQLValue] {
        [.text(seriesID), .text(featureID), .integer(position), .text(name), .text(level.rawValue), .text(lookFor), .text(tool.rawValue)]
    }
}

public enum OperatorRole: String, Sendable, CaseIterable { case manufacturer, importer }

public struct EconomicOperator: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.economicOperator }
    public var operatorID: String
    public var name: String
    public var role: OperatorRole
    /// ISO 3166-1 alpha-2.
    public var country: String
    public init(operatorID: String, name: String, role: OperatorRole, country: String) {
        self.operatorID = operatorID; self.name = name; self.role = role; self.country = country
    }
    public var values: [SQLValue] { [.text(operatorID), .text(name), .text(role.rawValue), .text(country)] }
}

public struct Facility: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.facility }
    public var facilityID: String
    public var operatorID: String
    public var name: String
    public var latitude: Double?
    public var longitude: Double?
    public var region: String
    public init(facilityID: String, operatorID: String, name: String, latitude: Double?, longitude: Double?, region: String) {
        self.facilityID = facilityID; self.operatorID = operatorID; self.name = name
        self.latitude = latitude; self.longitude = longitude; self.region = region
    }
    public var values: [SQLValue] {
        [.text(facilityID), .text(operatorID), .text(name), latitude.map(SQLValue.real) ?? .null,
         longitude.map(SQLValue.real) ?? .null, .text(region)]
    }
}

public struct Machine: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.machine }
    public var machineID: String
    public var facilityID: String
    public var name: String
    public init(machineID: String, facilityID: String, name: String = "") {
        self.machineID = machineID; self.facilityID = facilityID; self.name = name
    }
    public var values: [SQLValue] { [.text(machineID), .text(facilityID), .text(name)] }
}

public struct Product: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.product }
    /// GTIN-14.
    public var gtin: String
    public var brand: String
    public var description: String
    public init(gtin: String, brand: String, description: String = "") {
        self.gtin = gtin; self.brand = brand; self.description = description
    }
    public var values: [SQLValue] { [.text(gtin), .text(brand), .text(description)] }
}

public struct Pack: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.pack }
    public var uid: String
    public var gtin: String
    public var facilityID: String
    public var machineID: String
    /// Epoch seconds.
    public var manufactured: Int64
    public var market: String
    public var seriesID: String
    public init(uid: String, gtin: String, facilityID: String, machineID: String, manufactured: Int64, market: String,
                seriesID: String) {
        self.uid = uid; self.gtin = gtin; self.facilityID = facilityID; self.machineID = machineID
        self.manufactured = manufactured; self.market = market; self.seriesID = seriesID
    }
    public var values: [SQLValue] {
        [.text(uid), .text(gtin), .text(facilityID), .text(machineID), .integer(manufactured), .text(market), .text(seriesID)]
    }
}

public enum PackagingLevel: String, Sendable, CaseIterable {
    case pack, carton, `case`, pallet
}

/// "child was put into parent at time".
public struct AggregationLink: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.aggregation }
    public var childID: String
    public var parentID: String
    public var childLevel: PackagingLevel
    public var parentLevel: PackagingLevel
    public var time: Int64
    public init(childID: String, parentID: String, childLevel: PackagingLevel, parentLevel: PackagingLevel, time: Int64) {
        self.childID = childID; self.parentID = parentID; self.childLevel = childLevel; self.parentLevel = parentLevel
        self.time = time
    }
    public var values: [SQLValue] {
        [.text(childID), .text(parentID), .text(childLevel.rawValue), .text(parentLevel.rawValue), .integer(time)]
    }
}

/// How an event names an id.
public enum EPCRole: String, Sendable, CaseIterable {
    case epc, parent, child, input, output
}

/// An EPCIS 2.0 event as cached: searchable columns, the ids it names, and the whole event as JSON.
public struct CachedEvent: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.event }
    public var eventID: String
    /// ObjectEvent, AggregationEvent, TransformationEvent, …
    public var type: String
    public var time: Int64
    public var bizStep: String?
    public var disposition: String?
    public var readPoint: String?
    public var bizLocation: String?
    /// The event as JSON (EPCIS 2.0 JSON-LD), kept verbatim.
    public var body: String
    /// The ids it names, each with its role; written to `event_epc`.
    public var ids: [EventID]

    public struct EventID: Sendable, Equatable, Hashable {
        public var epc: String
        public var role: EPCRole
        public init(_ epc: String, _ role: EPCRole) { self.epc = epc; self.role = role }
    }

    public init(eventID: String, type: String, time: Int64, bizStep: String? = nil, disposition: String? = nil,
                readPoint: String? = nil, bizLocation: String? = nil, body: String, ids: [EventID]) {
        self.eventID = eventID; self.type = type; self.time = time; self.bizStep = bizStep; self.disposition = disposition
        self.readPoint = readPoint; self.bizLocation = bizLocation; self.body = body; self.ids = ids
    }
    public var values: [SQLValue] {
        [.text(eventID), .text(type), .integer(time), bizStep.map(SQLValue.text) ?? .null, disposition.map(SQLValue.text) ?? .null,
         readPoint.map(SQLValue.text) ?? .null, bizLocation.map(SQLValue.text) ?? .null, .text(body)]
    }
    /// Writes the `event_epc` rows.
    public func writeDependentRows(to sink: ContentSink) throws(FieldStoreError) {
        for id in ids { try sink.insert(ContentSchema.eventEPC, [.text(id.epc), .text(eventID), .text(id.role.rawValue)]) }
    }
}

/// "The cache holds every pack this facility made between from and to (inclusive)".
public struct CoverageWindow: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.coverage }
    public var facilityID: String
    public var from: Int64
    public var to: Int64
    public init(facilityID: String, from: Int64, to: Int64) {
        self.facilityID = facilityID; self.from = from; self.to = to
    }
    public var values: [SQLValue] { [.text(facilityID), .integer(from), .integer(to)] }
}

/// One dashboard figure: operator (`*` for region-wide) × month (`YYYY-MM`) × metric.
public struct DashboardFigure: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.dashboard }
    public var operatorID: String
    public var month: String
    public var metric: String
    public var value: Double
    public init(operatorID: String, month: String, metric: String, value: Double) {
        self.operatorID = operatorID; self.month = month; self.metric = metric; self.value = value
    }
    public var values: [SQLValue] { [.text(operatorID), .text(month), .text(metric), .real(value)] }
}

/// The keyring JSON (docs/stamp-code.md) as the cache's single keyring row.
public struct KeyringDocument: ContentRow, Equatable {
    public static var table: ContentSchema.Table { ContentSchema.keyring }
    public var json: String
    public init(json: String) { self.json = json }
    public var values: [SQLValue] { [.integer(1), .text(json)] }
}
