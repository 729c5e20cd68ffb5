import Foundation
import GRDB

/// Checks a received cache file before anything of it touches the store.
///
/// A file that passes is exactly a `CacheFileFormat` file: an SQLite file in rollback-journal mode that
/// passes `quick_check`, whose schema is the expected DDL and nothing else (no extra table, view or
/// trigger: a file cannot smuggle a `trusted_role` table or a trigger into the apply), whose meta parses,
/// and whose every table has the row count and SHA-256 the meta records. Reading is done on a separate
/// read-only connection, so the store's writer is not held while a large file is checked.
enum CacheFileValidator {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// Validates the file at `path` (a private, immutable copy) and returns its meta.
    static func validate(path: String, expecting kind: CacheFileMeta.Kind) throws -> CacheFileMeta {
        try checkHeader(path)
        var config = Configuration()
        config.readonly = true
        config.foreignKeysEnabled = false
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA trusted_schema = OFF") }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Refusal("the file cannot be opened as SQLite: \(error)")
        }
        defer { try? queue.close() }
        return try queue.inDatabase { db in
            let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard problems == ["ok"] else {
                throw Refusal("the file is corrupt (quick_check: \(problems.prefix(3).joined(separator: "; ")))")
            }
            try checkSchema(db, kind: kind)
            var kv: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM cache_file_meta") {
                kv[row[0]] = row[1]
            }
            let meta: CacheFileMeta
            do { meta = try CacheFileMeta.parse(kv) } catch let e as CacheFileMeta.MetaError { throw Refusal(e.message) }
            guard meta.kind == kind else { throw Refusal("it is a \(meta.kind.rawValue), not a \(kind.rawValue)") }
            try checkDigests(db, meta: meta)
            if kind == .snapshot {
                let violations = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                if let first = violations.first {
                    throw Refusal("\(violations.count) rows refer to missing rows (first: table \(first[0] as String? ?? "?"), row \(first[1] as Int64? ?? 0), parent \(first[2] as String? ?? "?"))")
                }
            }
            return meta
        }
    }

    /// The 100-byte SQLite header: magic, and read/write versions 1 (rollback journal, not WAL).
    private static func checkHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Refusal("the file cannot be read") }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw Refusal("it is not an SQLite database file")
        }
        guard header[18] == 1, header[19] == 1 else {
            throw Refusal("it is in WAL mode; a cache file must be a single self-contained file (journal mode DELETE)")
        }
    }

    static func normalize(_ sql: String) -> String {
        sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// Exactly the expected tables and indexes, with the expected DDL.
    private static func checkSchema(_ db: Database, kind: CacheFileMeta.Kind) throws {
        var expected: [String: (type: String, sql: String)] = [
            CacheFileFormat.metaTable: ("table", normalize(CacheFileFormat.metaCreateSQL)),
        ]
        for t in ContentSchema.tables {
            expected[t.name] = ("table", normalize(t.createSQL()))
            for (i, sql) in t.indexSQL().enumerated() { expected["\(t.name)_\(t.indexes[i].0)"] = ("index", normalize(sql)) }
            if kind == .delta { expected[t.deletedTableName] = ("table", normalize(t.createDeletedSQL())) }
        }
        var seen = Set<String>()
        for row in try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema") {
            let type: String = row[0], name: String = row[1], table: String = row[2], sql: String? = row[3]
            if type == "index", sql == nil, name.hasPrefix("sqlite_autoindex_"), expected[table]?.type == "table" { continue }
            guard let want = expected[name] else {
                throw Refusal("it contains an unexpected \(type) \"\(name)\" (a cache file holds only content tables)")
            }
            guard want.type == type, let sql, normalize(sql) == want.sql else {
                throw Refusal("\(type) \(name) does not have the expected definition")
            }
            seen.insert(name)
        }
        let missing = Set(expected.keys).subtracting(seen)
        if !missing.isEmpty { throw Refusal("it lacks \(missing.sorted().joined(separator: ", "))") }
    }

    /// Every table's rows hash to what the meta says.
    private static func checkDigests(_ db: Database, meta: CacheFileMeta) throws {
        for t in ContentSchema.tables {
            let actual = try TableDigest.compute(db, schema: "main", table: t)
            guard actual == meta.tableDigests[t.name] else {
                throw Refusal("table \(t.name) does not match its recorded digest (has \(actual.rows) rows, meta says \(meta.tableDigests[t.name]?.rows ?? -1)): the file was altered or built wrongly")
            }
            if meta.kind == .delta {
                let deleted = try TableDigest.computeDeleted(db, schema: "main", table: t)
                guard deleted == meta.deletedDigests[t.name] else {
                    throw Refusal("table \(t.deletedTableName) does not match its recorded digest")
                }
                if actual.rows == 0 && deleted.rows == 0 && meta.baseDigests[t.name] != meta.resultDigests[t.name] {
                    throw Refusal("table \(t.name) has no changes but its base and result digests differ")
                }
            }
        }
    }
}
