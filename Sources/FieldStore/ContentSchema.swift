/// The cache content tables: one definition used by the live store's migration, by snapshot and delta
/// files, and by the validator that compares a received file against it.
///
/// Why one list: a snapshot is applied with `INSERT INTO main.t SELECT * FROM staged.t`, which is only
/// correct when both sides have exactly the same columns in the same order. Keeping the DDL in one place
/// (and checking received files against it verbatim) makes that true by construction. The list also is
/// the allow-list of what a cache file may touch: trusted state, cache bookkeeping and the outbox are not
/// in it, so no cache content can ever overwrite them.
///
/// The DDL here is part of the published file format (docs: `CacheFileFormat`). Changing it means a new
/// format version and a new migration; never edit a shipped table in place.
public enum ContentSchema {
    /// One content table: its name, DDL body, primary key columns and secondary indexes.
    public struct Table: Sendable, Hashable {
        public let name: String
        /// Column definitions in order (name first on each line); `columns` is derived from it.
        let columnDefinitions: [String]
        /// Table constraints after the columns (PRIMARY KEY, CHECK).
        let constraints: [String]
        public let primaryKey: [String]
        let withoutRowID: Bool
        /// (index name suffix, columns) — created as `<table>_<suffix>`.
        let indexes: [(String, [String])]

        /// Column names in order (computed once: builders read it per row).
        public let columns: [String]
        public var nonKeyColumns: [String] { columns.filter { !primaryKey.contains($0) } }

        init(name: String, columnDefinitions: [String], constraints: [String], primaryKey: [String], withoutRowID: Bool,
             indexes: [(String, [String])]) {
            self.name = name
            self.columnDefinitions = columnDefinitions
            self.constraints = constraints
            self.primaryKey = primaryKey
            self.withoutRowID = withoutRowID
            self.indexes = indexes
            self.columns = columnDefinitions.map { String($0.prefix { $0 != " " }) }
        }

        /// `CREATE TABLE` for this table in the given schema (`main`, `staged`, …).
        public func createSQL(schema: String? = nil) -> String {
            let prefix = schema.map { "\($0)." } ?? ""
            let body = (columnDefinitions + constraints).joined(separator: ", ")
            return "CREATE TABLE \(prefix)\(name) (\(body))" + (withoutRowID ? " WITHOUT ROWID" : "")
        }

        public func indexSQL(schema: String? = nil) -> [String] {
            let prefix = schema.map { "\($0)." } ?? ""
            return indexes.map { "CREATE INDEX \(prefix)\(name)_\($0.0) ON \(name) (\($0.1.joined(separator: ", ")))" }
        }

        /// The table that lists the keys a delta deletes from this table.
        public var deletedTableName: String { "deleted_\(name)" }

        public func createDeletedSQL(schema: String? = nil) -> String {
            let prefix = schema.map { "\($0)." } ?? ""
            let cols = primaryKey.map { "\($0) NOT NULL" }.joined(separator: ", ")
            return "CREATE TABLE \(prefix)\(deletedTableName) (\(cols), PRIMARY KEY (\(primaryKey.joined(separator: ", ")))) WITHOUT ROWID"
        }

        public static func == (a: Table, b: Table) -> Bool { a.name == b.name }
        public func hash(into h: inout Hasher) { h.combine(name) }
    }

    static let deferredFK = "DEFERRABLE INITIALLY DEFERRED"

    /// The keyring JSON of docs/stamp-code.md, as one row (id is always 1).
    public static let keyring = Table(
        name: "keyring",
        columnDefinitions: ["id INTEGER NOT NULL CHECK (id = 1)", "json TEXT NOT NULL"],
        constraints: ["PRIMARY KEY (id)"], primaryKey: ["id"], withoutRowID: false, indexes: [])

    /// UIDs reported deactivated, recalled, stolen, destroyed, seized or cloned.
    public static let watchlist = Table(
        name: "watchlist",
        columnDefinitions: [
            "uid TEXT NOT NULL",
            "reason TEXT NOT NULL CHECK (reason IN ('deactivated', 'recalled', 'stolen', 'destroyed', 'seized', 'clone'))",
            "since INTEGER NOT NULL", "note TEXT NOT NULL DEFAULT ''",
        ],
        constraints: ["PRIMARY KEY (uid)"], primaryKey: ["uid"], withoutRowID: true, indexes: [])

    public static let series = Table(
        name: "series",
        columnDefinitions: ["series_id TEXT NOT NULL", "name TEXT NOT NULL", "description TEXT NOT NULL DEFAULT ''"],
        constraints: ["PRIMARY KEY (series_id)"], primaryKey: ["series_id"], withoutRowID: true, indexes: [])

    /// The optical checklist of a stamp series, in `position` order.
    public static let seriesFeature = Table(
        name: "series_feature",
        columnDefinitions: [
            "series_id TEXT NOT NULL REFERENCES series (series_id) \(deferredFK)",
            "feature_id TEXT NOT NULL", "position INTEGER NOT NULL", "name TEXT NOT NULL",
            "level TEXT NOT NULL CHECK (level IN ('overt', 'semi-covert', 'covert'))",
            "look_for TEXT NOT NULL",
            "tool TEXT NOT NULL CHECK (tool IN ('none', 'loupe', 'uv-torch', 'reader'))",
        ],
        constraints: ["PRIMARY KEY (series_id, feature_id)"], primaryKey: ["series_id", "feature_id"],
        withoutRowID: true, indexes: [])

    public static let economicOperator = Table(
        name: "economic_operator",
        columnDefinitions: [
            "operator_id TEXT NOT NULL", "name TEXT NOT NULL",
            "role TEXT NOT NULL CHECK (role IN ('manufacturer', 'importer'))", "country TEXT NOT NULL",
        ],
        constraints: ["PRIMARY KEY (operator_id)"], primaryKey: ["operator_id"], withoutRowID: true, indexes: [])

    public static let facility = Table(
        name: "facility",
        columnDefinitions: [
            "facility_id TEXT NOT NULL",
            "operator_id TEXT NOT NULL REFERENCES economic_operator (operator_id) \(deferredFK)",
            "name TEXT NOT NULL", "lat REAL", "lon REAL", "region TEXT NOT NULL",
        ],
        constraints: ["PRIMARY KEY (facility_id)"], primaryKey: ["facility_id"], withoutRowID: true, indexes: [])

    public static let machine = Table(
        name: "machine",
        columnDefinitions: [
            "machine_id TEXT NOT NULL",
            "facility_id TEXT NOT NULL REFERENCES facility (facility_id) \(deferredFK)",
            "name TEXT NOT NULL DEFAULT ''",
        ],
        constraints: ["PRIMARY KEY (machine_id)"], primaryKey: ["machine_id"], withoutRowID: true, indexes: [])

    public static let product = Table(
        name: "product",
        columnDefinitions: ["gtin TEXT NOT NULL", "brand TEXT NOT NULL", "description TEXT NOT NULL DEFAULT ''"],
        constraints: ["PRIMARY KEY (gtin)"], primaryKey: ["gtin"], withoutRowID: true, indexes: [])

    /// One row per pack: the lookup the console makes for every code. A WITHOUT ROWID table keyed by uid
    /// stores the row in the key's own b-tree, so a lookup is one b-tree descent and no separate index.
    /// No foreign keys here: they would disable SQLite's bulk-copy path for snapshots and cost a parent
    /// lookup per row; consistency with product/facility is the publisher's job.
    public static let pack = Table(
        name: "pack",
        columnDefinitions: [
            "uid TEXT NOT NULL", "gtin TEXT NOT NULL", "facility_id TEXT NOT NULL", "machine_id TEXT NOT NULL",
            "manufactured INTEGER NOT NULL", "market TEXT NOT NULL", "series_id TEXT NOT NULL",
        ],
        constraints: ["PRIMARY KEY (uid)"], primaryKey: ["uid"], withoutRowID: true, indexes: [])

    /// The current container of each id (pack → carton → case → pallet). One parent per child: the cache
    /// holds the latest aggregation; its history is in `event`.
    public static let aggregation = Table(
        name: "aggregation",
        columnDefinitions: [
            "child_id TEXT NOT NULL", "parent_id TEXT NOT NULL",
            "child_level TEXT NOT NULL CHECK (child_level IN ('pack', 'carton', 'case', 'pallet'))",
            "parent_level TEXT NOT NULL CHECK (parent_level IN ('pack', 'carton', 'case', 'pallet'))",
            "time INTEGER NOT NULL",
        ],
        constraints: ["PRIMARY KEY (child_id)", "CHECK (child_id <> parent_id)"], primaryKey: ["child_id"],
        withoutRowID: true, indexes: [("parent", ["parent_id"])])

    /// EPCIS 2.0 events: the columns the console shows, and the whole event as JSON in `body`.
    /// A rowid table because bodies can be large (WITHOUT ROWID suits small rows only).
    public static let event = Table(
        name: "event",
        columnDefinitions: [
            "event_id TEXT NOT NULL", "type TEXT NOT NULL", "time INTEGER NOT NULL", "biz_step TEXT",
            "disposition TEXT", "read_point TEXT", "biz_location TEXT", "body TEXT NOT NULL",
        ],
        constraints: ["PRIMARY KEY (event_id)"], primaryKey: ["event_id"], withoutRowID: false, indexes: [])

    /// Which ids an event names and how (epcList, parentID, childEPCs, input/output): the index that
    /// answers "events for this id" without scanning JSON. No index by event_id: it would cost ~90 bytes
    /// per pack, and an event's full id list is in its `body`.
    public static let eventEPC = Table(
        name: "event_epc",
        columnDefinitions: [
            "epc TEXT NOT NULL", "event_id TEXT NOT NULL",
            "role TEXT NOT NULL CHECK (role IN ('epc', 'parent', 'child', 'input', 'output'))",
        ],
        constraints: ["PRIMARY KEY (epc, event_id, role)"], primaryKey: ["epc", "event_id", "role"],
        withoutRowID: true, indexes: [])

    /// The facility × time windows the cache claims to hold every pack of (inclusive bounds, epoch s).
    public static let coverage = Table(
        name: "coverage",
        columnDefinitions: ["facility_id TEXT NOT NULL", "from_time INTEGER NOT NULL", "to_time INTEGER NOT NULL"],
        constraints: ["PRIMARY KEY (facility_id, from_time)", "CHECK (from_time <= to_time)"],
        primaryKey: ["facility_id", "from_time"], withoutRowID: true, indexes: [])

    /// Dashboard figures per operator × month × metric (operator `*` for region-wide figures).
    public static let dashboard = Table(
        name: "dashboard_figure",
        columnDefinitions: [
            "operator_id TEXT NOT NULL", "month TEXT NOT NULL", "metric TEXT NOT NULL", "value REAL NOT NULL",
        ],
        constraints: ["PRIMARY KEY (operator_id, month, metric)"], primaryKey: ["operator_id", "month", "metric"],
        withoutRowID: true, indexes: [])

    /// Every content table, parents before children (the order builders fill and digests list them).
    public static let tables: [Table] = [
        keyring, watchlist, series, seriesFeature, economicOperator, facility, machine, product,
        pack, aggregation, event, eventEPC, coverage, dashboard,
    ]

    public static func table(named name: String) -> Table? { tables.first { $0.name == name } }

    /// Tables with foreign keys: checked with `PRAGMA foreign_key_check` before a swap commits.
    static var tablesWithForeignKeys: [Table] { [seriesFeature, facility, machine] }
}
