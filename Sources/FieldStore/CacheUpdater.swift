import Foundation
import GRDB
import StampCodes

/// What an applied update did.
public struct ApplyReport: Sendable {
    public var meta: CacheFileMeta
    /// The version in use before (nil: there was none).
    public var previousVersion: Int64?
    /// Seconds spent copying the file into staging, checking it, and swapping it in.
    public var stageSeconds: Double
    public var verifySeconds: Double
    public var swapSeconds: Double
}

/// Snapshot and delta apply: stage, verify, swap in one write transaction.
///
/// Why this shape (the guarantees the console relies on):
/// - **Stage**: the received file is copied into `<store>.staging/` so what is verified is what is applied.
/// - **Verify** on a separate read-only connection (the writer stays free for inspections meanwhile):
///   `CacheFileValidator` (integrity, exact schema, meta, per-table digests), before any lock is taken.
/// - **Swap** in one IMMEDIATE transaction on the writer, with the staged file ATTACHed: re-check region,
///   version (> current) and, for a delta, base version == current and the base digests == the digests
///   of the content in use; replace (snapshot) or delete+upsert (delta) the content tables; check
///   foreign keys, the keyring and, for a delta, that every touched table now hashes to the published
///   result; record the new cache meta and the successful attempt; commit. Any failure rolls it all back.
/// - A crash at any point leaves either the old cache or the new one: the WAL commit is atomic. The
///   attempt row says "in-progress" until the commit (or the recorded failure), so the next open can
///   tell the officer an update was interrupted, and removes the staged copy.
/// Updates are serialised by `ApplyLock`, also across processes.
extension FieldStore {
    /// Applies a full snapshot file (already verified as a TUF target by the caller).
    @discardableResult
    public func applySnapshot(at file: String, now: Int64) throws(FieldStoreError) -> ApplyReport {
        try apply(file: file, kind: .snapshot, now: now)
    }

    /// Applies a delta file (already verified as a TUF target by the caller).
    @discardableResult
    public func applyDelta(at file: String, now: Int64) throws(FieldStoreError) -> ApplyReport {
        try apply(file: file, kind: .delta, now: now)
    }

    private func apply(file: String, kind: CacheFileMeta.Kind, now: Int64) throws(FieldStoreError) -> ApplyReport {
        let lock = try ApplyLock.acquire(directory: stagingDirectory)
        defer { lock.release() }
        lock.removeStagedFiles()
        let name = (file as NSString).lastPathComponent
        var target = "\(kind.rawValue) \(name)"
        try write { db in try Self.setAttempt(db, started: now, target: target, state: .inProgress, error: nil, finished: nil) }
        let staged = stagingDirectory + "/\(UUID().uuidString).sqlite"
        do {
            let t0 = Date()
            try FileManager.default.copyItem(atPath: file, toPath: staged)
            let t1 = Date()
            let meta = try CacheFileValidator.validate(path: staged, expecting: kind)
            target = "\(kind.rawValue) v\(meta.version) (region \(meta.region), \(name))"
            let t2 = Date()
            let previous = try swap(staged: staged, meta: meta, target: target, now: now)
            let t3 = Date()
            lock.removeStagedFiles()
            try? pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            return ApplyReport(meta: meta, previousVersion: previous, stageSeconds: t1.timeIntervalSince(t0),
                               verifySeconds: t2.timeIntervalSince(t1), swapSeconds: t3.timeIntervalSince(t2))
        } catch {
            let failure: FieldStoreError
            if let refusal = error as? CacheFileValidator.Refusal {
                failure = .updateRefused(file: name, reason: refusal.description)
            } else if let e = error as? CocoaError, e.code == .fileReadNoSuchFile {
                failure = .updateRefused(file: name, reason: "the file does not exist")
            } else {
                failure = FieldStoreError.wrap(error, path: path)
            }
            lock.removeStagedFiles()
            // Best effort: on a full disk even this write may fail; the caller still gets `failure`,
            // and the next open marks the attempt interrupted.
            try? write { db in
                try Self.setAttempt(db, started: now, target: target, state: .failed, error: failure.description, finished: now)
            }
            throw failure
        }
    }

    /// The swap transaction. Returns the previous version.
    private func swap(staged: String, meta: CacheFileMeta, target: String, now: Int64) throws -> Int64? {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS staged", arguments: [staged])
            defer { try? db.execute(sql: "DETACH DATABASE staged") }
            var previous: Int64?
            try db.inTransaction(.immediate) {
                let current = try Self.cacheInfo(db)
                previous = current?.version
                try checkAgainstCurrent(db, meta: meta, current: current)
                var digests: [String: TableDigest]
                if meta.kind == .snapshot {
                    // Children emptied before parents, parents filled before children: SQLite's bulk copy
                    // (used for `INSERT INTO t SELECT * FROM staged.t`) skips the deferred foreign-key
                    // bookkeeping of a parent table, so no parent may be refilled while orphans wait.
                    for t in ContentSchema.tables.reversed() {
                        try db.execute(sql: "DELETE FROM main.\(t.name)")
                    }
                    for t in ContentSchema.tables {
                        try db.execute(sql: "INSERT INTO main.\(t.name) SELECT * FROM staged.\(t.name)")
                    }
                    digests = meta.tableDigests
                } else {
                    digests = try applyDeltaRows(db, meta: meta)
                }
                try checkForeignKeys(db)
                try checkKeyring(db)
                try db.execute(sql: """
                    INSERT INTO cache_meta (id, version, kind, region, source, published_at, expires, applied_at, content_sha256)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version, kind = excluded.kind, region = excluded.region,
                      source = excluded.source, published_at = excluded.published_at, expires = excluded.expires,
                      applied_at = excluded.applied_at, content_sha256 = excluded.content_sha256
                    """, arguments: [meta.version, meta.kind.rawValue, meta.region, meta.source, meta.publishedAt, meta.expires, now,
                                     TableDigest.contentDigest(digests.mapValues(\.sha256))])
                try db.execute(sql: "DELETE FROM cache_table_digest")
                for (name, d) in digests {
                    try db.execute(sql: "INSERT INTO cache_table_digest (table_name, rows, sha256) VALUES (?, ?, ?)",
                                   arguments: [name, d.rows, d.sha256])
                }
                try Self.setAttempt(db, started: now, target: target, state: .succeeded, error: nil, finished: now)
                return .commit
            }
            return previous
        }
    }

    private func checkAgainstCurrent(_ db: Database, meta: CacheFileMeta, current: CacheInfo?) throws {
        typealias Refusal = CacheFileValidator.Refusal
        if let region = options.region, meta.region != region {
            throw Refusal("it is for region \(meta.region), this device serves \(region)")
        }
        if let current, options.region == nil, current.region != meta.region {
            throw Refusal("it is for region \(meta.region), the cache in use is for \(current.region)")
        }
        if let current, meta.version <= current.version {
            throw Refusal("version \(meta.version) is not newer than the cache in use (version \(current.version)); a rollback is refused")
        }
        guard meta.kind == .delta else { return }
        guard let current else {
            throw Refusal("it is a delta from version \(meta.baseVersion ?? 0), but no cache is in use: apply a snapshot first")
        }
        guard meta.baseVersion == current.version else {
            throw Refusal("it is a delta from version \(meta.baseVersion ?? 0), but the cache in use is version \(current.version): fetch the matching delta or a snapshot")
        }
        let stored = try Self.storedDigests(db)
        for t in ContentSchema.tables where stored[t.name]?.sha256 != meta.baseDigests[t.name] {
            throw Refusal("table \(t.name) of the cache in use does not match the delta's base version \(current.version): fetch a snapshot")
        }
    }

    static func storedDigests(_ db: Database) throws -> [String: TableDigest] {
        var out: [String: TableDigest] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT table_name, rows, sha256 FROM cache_table_digest") {
            out[row[0]] = TableDigest(rows: row[1], sha256: row[2])
        }
        return out
    }

    /// Deletes, then upserts, per table; returns the content digests after the change, having checked
    /// every touched table against the published result.
    private func applyDeltaRows(_ db: Database, meta: CacheFileMeta) throws -> [String: TableDigest] {
        var digests = try Self.storedDigests(db)
        // Deletes children first, then upserts parents first (see the snapshot case).
        for t in ContentSchema.tables.reversed() where (meta.deletedDigests[t.name]?.rows ?? 0) > 0 {
            let pk = t.primaryKey.joined(separator: ", ")
            try db.execute(sql: "DELETE FROM main.\(t.name) WHERE (\(pk)) IN (SELECT \(pk) FROM staged.\(t.deletedTableName))")
        }
        for t in ContentSchema.tables {
            let upserts = meta.tableDigests[t.name]?.rows ?? 0
            let deletes = meta.deletedDigests[t.name]?.rows ?? 0
            guard upserts > 0 || deletes > 0 else { continue }
            let pk = t.primaryKey.joined(separator: ", ")
            if upserts > 0 {
                let update = t.nonKeyColumns.isEmpty ? "NOTHING"
                    : "UPDATE SET " + t.nonKeyColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
                try db.execute(sql: "INSERT INTO main.\(t.name) SELECT * FROM staged.\(t.name) WHERE true ON CONFLICT (\(pk)) DO \(update)")
            }
            let now = try TableDigest.compute(db, schema: "main", table: t)
            guard now.sha256 == meta.resultDigests[t.name] else {
                throw CacheFileValidator.Refusal("after applying it, table \(t.name) does not match the published version \(meta.version): the delta does not fit this cache; fetch a snapshot")
            }
            digests[t.name] = now
        }
        return digests
    }

    private func checkForeignKeys(_ db: Database) throws {
        for t in ContentSchema.tablesWithForeignKeys {
            if let row = try Row.fetchOne(db, sql: "PRAGMA main.foreign_key_check(\(t.name))") {
                throw CacheFileValidator.Refusal("table \(t.name) would refer to a missing \(row[2] as String? ?? "row") row")
            }
        }
    }

    private func checkKeyring(_ db: Database) throws {
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM main.keyring WHERE id = 1") else { return }
        do { _ = try Keyring.parse(Array(json.utf8)) } catch {
            throw CacheFileValidator.Refusal("its keyring is invalid: \(error)")
        }
    }

    /// `PRAGMA quick_check` and every content table's digest, on `jobs` readers at once (the biggest tables
    /// first). Each table is compared with the digest recorded at apply inside one read transaction, so an
    /// update committing meanwhile cannot make a table look corrupt. Returns quick_check's complaints
    /// (empty when "ok") and the names of the tables whose rows differ from what was signed.
    public func verifyStore(jobs: Int = ProcessInfo.processInfo.activeProcessorCount) throws(FieldStoreError) -> (quickCheck: [String], tables: [String]) {
        let heavyFirst = ["pack", "event_epc", "event", "aggregation"]
        let tables = ContentSchema.tables.sorted {
            (heavyFirst.firstIndex(of: $0.name) ?? heavyFirst.count) < (heavyFirst.firstIndex(of: $1.name) ?? heavyFirst.count)
        }
        // Work item 0 is quick_check; item i > 0 is tables[i - 1].
        let results = WorkResults(count: tables.count + 1)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, tables.count + 1))) { _ in
            while let i = results.next() {
                do {
                    if i == 0 {
                        results.set(i, .success(try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }.filter { $0 != "ok" }))
                    } else {
                        let t = tables[i - 1]
                        let differs = try read { db -> Bool in
                            guard let stored = try Self.storedDigests(db)[t.name] else { return false }
                            return try TableDigest.compute(db, schema: "main", table: t) != stored
                        }
                        results.set(i, .success(differs ? [t.name] : []))
                    }
                } catch {
                    results.set(i, .failure(error as? FieldStoreError ?? FieldStoreError.wrap(error, path: path)))
                }
            }
        }
        var quick: [String] = []
        var differing: [String] = []
        for i in 0...tables.count {
            switch results.get(i) {
            case .success(let v): if i == 0 { quick = v } else { differing += v }
            case .failure(let e): throw e
            case nil: throw FieldStoreError.wrap(CancellationError(), path: path)
            }
        }
        let order = ContentSchema.tables.map(\.name)
        return (quick, differing.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
    }

    /// Recomputes every content table's digest and compares it with what was recorded at apply
    /// (`doctor`; catches content altered behind the store's back). Returns the tables that differ.
    public func verifyContent() throws(FieldStoreError) -> [String] {
        try read { db in
            let stored = try Self.storedDigests(db)
            guard !stored.isEmpty else { return [] }
            return try ContentSchema.tables.compactMap { t in
                try TableDigest.compute(db, schema: "main", table: t) == stored[t.name] ? nil : t.name
            }
        }
    }
}

/// Hands out work item indices to concurrent workers and collects their results.
final class WorkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var results: [Result<[String], FieldStoreError>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < results.count else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }

    func set(_ i: Int, _ r: Result<[String], FieldStoreError>) {
        lock.lock(); defer { lock.unlock() }
        results[i] = r
    }

    func get(_ i: Int) -> Result<[String], FieldStoreError>? {
        lock.lock(); defer { lock.unlock() }
        return results[i]
    }
}
