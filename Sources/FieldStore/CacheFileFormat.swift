import Foundation
import GRDB

/// The two cache file formats the hub publishes (as TUF targets) and the field store applies.
///
/// # Snapshot (`kind = snapshot`)
/// A self-contained SQLite 3 database file (journal mode DELETE, no WAL) holding:
/// - every table of `ContentSchema.tables`, created with exactly the DDL `ContentSchema` produces
///   (compared verbatim, whitespace-normalised, against `sqlite_schema`), and its indexes;
/// - `cache_file_meta(key TEXT PRIMARY KEY, value TEXT)` with the keys listed in `CacheFileMeta.Key`.
/// Nothing else: any other table, view or trigger makes the file refused.
///
/// # Delta (`kind = delta`)
/// The same kind of SQLite file, holding the row-level change from version `base_version` to `version`:
/// - for each content table `t`, table `t` (same DDL) holds the rows to upsert (insert, or replace the
///   non-key columns of the row with the same primary key), and `deleted_t` (the primary key columns
///   only) the keys to delete. Deletes are applied first, then upserts.
/// - `cache_file_meta` as for a snapshot, plus `base_version` and the base's per-table digests.
/// SQLite session changesets were considered (Debian's libsqlite3 has ENABLE_SESSION) but GRDB's
/// module does not expose `sqlite3session.h`, other platforms' SQLite often lacks it, and a changeset
/// is opaque; a delta database is checked with the same code as a snapshot and applied set-wise.
///
/// # Digests
/// `sha256.<table>` is the SHA-256 (lower-case hex) of the table's rows in primary-key order (BINARY
/// collation), each row the concatenation of its columns in DDL order, each column encoded as:
/// NULL `00`; INTEGER `01` + 8-byte big-endian two's complement; REAL `02` + 8-byte big-endian IEEE 754;
/// TEXT `03` + 4-byte big-endian length + UTF-8 bytes; BLOB `04` + 4-byte big-endian length + bytes.
/// `content_sha256` is SHA-256 over, for each table in `ContentSchema.tables` order, `name` `:` `hex` `\n`.
/// In a delta, `sha256.t` / `rows.t` describe the upsert rows, `deleted_sha256.t` / `deleted_rows.t` the
/// deleted keys, `base_sha256.t` the base version's table and `result_sha256.t` the table after applying.
public enum CacheFileFormat {
    /// The `format` meta value this code writes and accepts.
    public static let formatName = "stampwatch-cache/1"
    public static let metaTable = "cache_file_meta"
    static let metaCreateSQL = "CREATE TABLE cache_file_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
}

/// What a snapshot or delta file says about itself (its `cache_file_meta` rows, typed).
public struct CacheFileMeta: Sendable, Equatable {
    public enum Kind: String, Sendable { case snapshot, delta }

    /// The meta keys. Per-table keys are `<prefix>.<table>`.
    public enum Key {
        public static let format = "format"
        public static let kind = "kind"
        public static let version = "version"
        public static let baseVersion = "base_version"
        public static let region = "region"
        public static let source = "source"
        public static let publishedAt = "published_at"
        public static let expires = "expires"
        public static let contentSHA256 = "content_sha256"
        public static let rows = "rows"
        public static let sha256 = "sha256"
        public static let deletedRows = "deleted_rows"
        public static let deletedSHA256 = "deleted_sha256"
        public static let baseSHA256 = "base_sha256"
        public static let resultSHA256 = "result_sha256"
    }

    public var kind: Kind
    /// The cache version this file produces.
    public var version: Int64
    /// For a delta: the version it must be applied on.
    public var baseVersion: Int64?
    public var region: String
    /// Who published it (e.g. the hub's name and publication id).
    public var source: String
    /// Epoch seconds.
    public var publishedAt: Int64
    /// Epoch seconds after which the publisher no longer vouches for this content.
    public var expires: Int64
    /// Per-table digests of the file's own rows (upserts for a delta), and row counts.
    public var tableDigests: [String: TableDigest]
    /// Delta only: deleted-key digests, and the digests of each table before and after.
    public var deletedDigests: [String: TableDigest] = [:]
    public var baseDigests: [String: String] = [:]
    public var resultDigests: [String: String] = [:]

    public init(kind: Kind, version: Int64, baseVersion: Int64? = nil, region: String, source: String,
                publishedAt: Int64, expires: Int64, tableDigests: [String: TableDigest] = [:]) {
        self.kind = kind
        self.version = version
        self.baseVersion = baseVersion
        self.region = region
        self.source = source
        self.publishedAt = publishedAt
        self.expires = expires
        self.tableDigests = tableDigests
    }

    /// The rows of `cache_file_meta`.
    func keyValues() -> [(String, String)] {
        var kv: [(String, String)] = [
            (Key.format, CacheFileFormat.formatName), (Key.kind, kind.rawValue), (Key.version, String(version)),
            (Key.region, region), (Key.source, source), (Key.publishedAt, String(publishedAt)),
            (Key.expires, String(expires)),
        ]
        if let baseVersion { kv.append((Key.baseVersion, String(baseVersion))) }
        for t in ContentSchema.tables {
            if let d = tableDigests[t.name] {
                kv.append(("\(Key.rows).\(t.name)", String(d.rows)))
                kv.append(("\(Key.sha256).\(t.name)", d.sha256))
            }
            if let d = deletedDigests[t.name] {
                kv.append(("\(Key.deletedRows).\(t.name)", String(d.rows)))
                kv.append(("\(Key.deletedSHA256).\(t.name)", d.sha256))
            }
            if let d = baseDigests[t.name] { kv.append(("\(Key.baseSHA256).\(t.name)", d)) }
            if let d = resultDigests[t.name] { kv.append(("\(Key.resultSHA256).\(t.name)", d)) }
        }
        if kind == .snapshot {
            kv.append((Key.contentSHA256, TableDigest.contentDigest(tableDigests.mapValues(\.sha256))))
        } else {
            kv.append((Key.contentSHA256, TableDigest.contentDigest(resultDigests)))
        }
        return kv
    }

    /// Parses and checks `cache_file_meta` rows; every problem names the key.
    static func parse(_ kv: [String: String]) throws(MetaError) -> CacheFileMeta {
        func need(_ key: String) throws(MetaError) -> String {
            guard let v = kv[key] else { throw MetaError("meta key \(key) is missing") }
            return v
        }
        func int(_ key: String) throws(MetaError) -> Int64 {
            let s = try need(key)
            guard let v = Int64(s) else { throw MetaError("meta key \(key) is \"\(s)\", not an integer") }
            return v
        }
        let format = try need(Key.format)
        guard format == CacheFileFormat.formatName else {
            throw MetaError("format is \"\(format)\"; this console reads \(CacheFileFormat.formatName) (update the console)")
        }
        let kindText = try need(Key.kind)
        guard let kind = Kind(rawValue: kindText) else { throw MetaError("kind is \"\(kindText)\", not snapshot or delta") }
        var meta = CacheFileMeta(
            kind: kind, version: try int(Key.version), baseVersion: kind == .delta ? try int(Key.baseVersion) : nil,
            region: try need(Key.region), source: try need(Key.source), publishedAt: try int(Key.publishedAt),
            expires: try int(Key.expires))
        guard meta.version > 0 else { throw MetaError("version \(meta.version) is not positive") }
        guard !meta.region.isEmpty else { throw MetaError("region is empty") }
        guard meta.expires > meta.publishedAt else { throw MetaError("expires is not after published_at") }
        func digest(_ prefixRows: String, _ prefixSHA: String, _ table: String) throws(MetaError) -> TableDigest {
            let rows = try int("\(prefixRows).\(table)")
            let sha = try need("\(prefixSHA).\(table)")
            guard TableDigest.isHex256(sha) else { throw MetaError("\(prefixSHA).\(table) is not a SHA-256 hex digest") }
            return TableDigest(rows: rows, sha256: sha)
        }
        for t in ContentSchema.tables {
            meta.tableDigests[t.name] = try digest(Key.rows, Key.sha256, t.name)
            if kind == .delta {
                meta.deletedDigests[t.name] = try digest(Key.deletedRows, Key.deletedSHA256, t.name)
                for (prefix, path) in [(Key.baseSHA256, \CacheFileMeta.baseDigests), (Key.resultSHA256, \CacheFileMeta.resultDigests)] {
                    let sha = try need("\(prefix).\(t.name)")
                    guard TableDigest.isHex256(sha) else { throw MetaError("\(prefix).\(t.name) is not a SHA-256 hex digest") }
                    meta[keyPath: path][t.name] = sha
                }
            }
        }
        if kind == .delta {
            guard let base = meta.baseVersion, base < meta.version else {
                throw MetaError("base_version must be below version \(meta.version)")
            }
        }
        let expected = TableDigest.contentDigest(kind == .snapshot ? meta.tableDigests.mapValues(\.sha256) : meta.resultDigests)
        guard try need(Key.contentSHA256) == expected else { throw MetaError("content_sha256 does not match the per-table digests") }
        return meta
    }

    struct MetaError: Error {
        let message: String
        init(_ m: String) { message = m }
    }
}
