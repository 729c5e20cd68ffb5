import Foundation
import GRDB

/// What a published cache version is: the values of its meta rows other than digests.
public struct CacheDescriptor: Sendable, Equatable {
    public var version: Int64
    public var region: String
    public var source: String
    public var publishedAt: Int64
    public var expires: Int64

    public init(version: Int64, region: String, source: String, publishedAt: Int64, expires: Int64) {
        self.version = version
        self.region = region
        self.source = source
        self.publishedAt = publishedAt
        self.expires = expires
    }
}

/// Builds snapshot files (`CacheFileFormat`): the hub publishes with it, tests and benches use it too.
///
/// Pure in the sense that matters: it reads nothing but its arguments and writes only the output file
/// (never a live store). The rows are streamed through a `ContentSink` inside one transaction, then the
/// per-table digests are computed from the file itself and written to `cache_file_meta`, so the meta
/// always describes what is really in the file.
public enum SnapshotBuilder {
    /// Writes a snapshot at `path` (replacing any file there) and returns its meta.
    public static func build(at path: String, descriptor: CacheDescriptor,
                             fill: (ContentSink) throws -> Void) throws(FieldStoreError) -> CacheFileMeta {
        guard descriptor.version > 0, !descriptor.region.isEmpty, descriptor.expires > descriptor.publishedAt else {
            throw FieldStoreError.invalidArgument("a snapshot needs version > 0, a region and expires after published_at")
        }
        do {
            let queue = try CacheFileWriter.create(at: path)
            var meta = CacheFileMeta(kind: .snapshot, version: descriptor.version, region: descriptor.region,
                                     source: descriptor.source, publishedAt: descriptor.publishedAt, expires: descriptor.expires)
            try queue.inTransaction { db in
                for t in ContentSchema.tables {
                    try db.execute(sql: t.createSQL())
                    for sql in t.indexSQL() { try db.execute(sql: sql) }
                }
                try fill(ContentSink(db: db, schema: "main"))
                return .commit
            }
            try queue.inDatabase { db in
                for t in ContentSchema.tables {
                    meta.tableDigests[t.name] = try TableDigest.compute(db, schema: "main", table: t)
                }
            }
            try CacheFileWriter.finish(queue, meta: meta)
            return meta
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw FieldStoreError.wrap(error, path: path)
        }
    }

    /// Convenience for small content held in memory.
    public static func build(at path: String, descriptor: CacheDescriptor, content: CacheContent) throws(FieldStoreError) -> CacheFileMeta {
        try build(at: path, descriptor: descriptor) { sink in try content.write(to: sink) }
    }
}

/// Content held in memory (tests, demo data, small regions).
public struct CacheContent: Sendable {
    public var keyring: KeyringDocument?
    public var watchlist: [WatchlistEntry] = []
    public var series: [StampSeries] = []
    public var features: [ChecklistFeature] = []
    public var operators: [EconomicOperator] = []
    public var facilities: [Facility] = []
    public var machines: [Machine] = []
    public var products: [Product] = []
    public var packs: [Pack] = []
    public var aggregation: [AggregationLink] = []
    public var events: [CachedEvent] = []
    public var coverage: [CoverageWindow] = []
    public var dashboard: [DashboardFigure] = []

    public init() {}

    func write(to sink: ContentSink) throws {
        if let keyring { try sink.add(keyring) }
        try sink.add(contentsOf: watchlist)
        try sink.add(contentsOf: series)
        try sink.add(contentsOf: features)
        try sink.add(contentsOf: operators)
        try sink.add(contentsOf: facilities)
        try sink.add(contentsOf: machines)
        try sink.add(contentsOf: products)
        try sink.add(contentsOf: packs)
        try sink.add(contentsOf: aggregation)
        try sink.add(contentsOf: events)
        try sink.add(contentsOf: coverage)
        try sink.add(contentsOf: dashboard)
    }
}

/// Creating and sealing cache files (shared by the snapshot and delta builders).
enum CacheFileWriter {
    /// A fresh file with rollback journal (a cache file is one self-contained file, never WAL).
    static func create(at path: String) throws -> DatabaseQueue {
        let fm = FileManager.default
        for s in ["", "-journal", "-wal", "-shm"] where fm.fileExists(atPath: path + s) { try fm.removeItem(atPath: path + s) }
        var config = Configuration()
        config.foreignKeysEnabled = false  // rows arrive in any order; the store checks at apply
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -262144")  // 256 MiB: random-order keys stay in memory
        }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: CacheFileFormat.metaCreateSQL)
        }
        return queue
    }

    /// Writes the meta rows and closes the file.
    static func finish(_ queue: DatabaseQueue, meta: CacheFileMeta) throws {
        try queue.inTransaction { db in
            for (k, v) in meta.keyValues() {
                try db.execute(sql: "INSERT INTO cache_file_meta (key, value) VALUES (?, ?)", arguments: [k, v])
            }
            return .commit
        }
        try queue.close()
    }
}
