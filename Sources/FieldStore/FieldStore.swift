import Foundation
import GRDB

/// The device's SQLite field store: the signed cache's content, the trusted state that guards it, and
/// the outbox of inspections, in one WAL database opened as a GRDB `DatabasePool` (readers never wait for
/// an update; writes are serialised).
///
/// Opening checks the file (`PRAGMA quick_check`), runs the named migrations, and finishes what a killed
/// process left behind: an update that was in progress is marked interrupted and its staged file
/// removed (the last good cache stays in use), and outbox rows left in flight go back to pending.
///
/// Every method is safe to call from any thread, and from several processes on the same file.
public final class FieldStore: Sendable {
    /// How to open the store.
    public struct Options: Sendable {
        /// Run `PRAGMA quick_check` at open (reads the whole file once; see the report for its cost).
        public var quickCheckAtOpen = true
        /// What to do when the file is damaged: refuse (throw `.damaged`), or move it aside (it is kept,
        /// never deleted), start a fresh store and salvage records and trusted state from it.
        public var recoverIfDamaged = false
        /// The region this device serves; when set, a cache file of another region is refused.
        public var region: String?
        /// How long a writer waits for another process's write lock before giving up.
        public var busyTimeout: TimeInterval = 30
        /// The freshness limits.
        public var freshnessPolicy = FreshnessPolicy()

        public init() {}
    }

    public let path: String
    public let options: Options
    let pool: DatabasePool
    /// What recovery salvaged, when the store was reopened from a damaged file.
    public let recovery: RecoveryReport?

    var stagingDirectory: String { path + ".staging" }

    private init(path: String, options: Options, pool: DatabasePool, recovery: RecoveryReport?) {
        self.path = path
        self.options = options
        self.pool = pool
        self.recovery = recovery
    }

    /// Opens (creating if needed) the store at `path`.
    public static func open(at path: String, options: Options = Options()) throws(FieldStoreError) -> FieldStore {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw FieldStoreError.wrap(error, path: path)
            }
        }
        var recovery: RecoveryReport?
        let pool: DatabasePool
        do {
            pool = try openChecked(path: path, options: options)
        } catch {
            guard case .damaged(_, let detail) = error, options.recoverIfDamaged else { throw error }
            let report = try Recovery.quarantineAndRecover(path: path, damageDetail: detail) { () throws(FieldStoreError) in
                try openChecked(path: path, options: options)
            }
            recovery = report.report
            pool = report.pool
        }
        let store = FieldStore(path: path, options: options, pool: pool, recovery: recovery)
        try store.finishInterruptedWork()
        return store
    }

    /// Opens the pool, checks the file and migrates it.
    static func openChecked(path: String, options: Options) throws(FieldStoreError) -> DatabasePool {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration(options))
        } catch {
            throw damagedOrWrapped(error, path: path)
        }
        do {
            if options.quickCheckAtOpen {
                let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
                if problems != ["ok"] {
                    throw FieldStoreError.damaged(path: path, detail: "quick_check: " + problems.prefix(5).joined(separator: "; "))
                }
            }
            let openLock = try ApplyLock.acquire(directory: path + ".staging", name: "open-lock")
            defer { openLock.release() }
            try StoreMigrations.migrator.migrate(pool)
            let (fk, journal) = try pool.read { db in
                (try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                 try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "")
            }
            guard fk, journal.lowercased() == "wal" else {
                throw FieldStoreError.database("expected WAL mode and foreign keys, found journal_mode=\(journal), foreign_keys=\(fk)")
            }
        } catch {
            try? pool.close()
            throw damagedOrWrapped(error, path: path)
        }
        return pool
    }

    private static func damagedOrWrapped(_ error: any Error, path: String) -> FieldStoreError {
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_NOTADB || e.resultCode == .SQLITE_CORRUPT {
            return .damaged(path: path, detail: e.message ?? "\(e.resultCode)")
        }
        return FieldStoreError.wrap(error, path: path)
    }

    static func configuration(_ options: Options) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(options.busyTimeout)
        config.label = "FieldStore"
        config.prepareDatabase { db in
            // FULL: a committed inspection survives power loss, not only a killed process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Functions in a received file's schema never run with side effects.
            try db.execute(sql: "PRAGMA trusted_schema = OFF")
        }
        return config
    }

    /// Closes the pool (tests, and before moving the file).
    public func close() throws(FieldStoreError) {
        do { try pool.close() } catch { throw FieldStoreError.wrap(error, path: path) }
    }

    /// Runs a read on a pool connection, mapping errors.
    func read<T>(_ body: (Database) throws -> T) throws(FieldStoreError) -> T {
        do { return try pool.read(body) } catch { throw FieldStoreError.wrap(error, path: path) }
    }

    /// Runs a write transaction, mapping errors.
    func write<T>(_ body: (Database) throws -> T) throws(FieldStoreError) -> T {
        do { return try pool.write(body) } catch { throw FieldStoreError.wrap(error, path: path) }
    }

    /// After a crash: mark an update left in progress as interrupted (unless another process is applying
    /// right now), remove its staged files, and put in-flight outbox rows back to pending.
    private func finishInterruptedWork() throws(FieldStoreError) {
        if let lock = ApplyLock.tryAcquire(directory: stagingDirectory) {
            defer { lock.release() }
            try write { db in
                try db.execute(sql: """
                    UPDATE update_attempt SET state = 'interrupted', finished_at = started_at,
                      error = 'the update of ' || target || ' was interrupted (the program stopped during apply); the previous cache was kept'
                    WHERE state = 'in-progress'
                    """)
            }
            lock.removeStagedFiles()
        }
        try write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE state = 'in-flight'")
        }
    }

    /// `PRAGMA quick_check` now (the console's "doctor"), `["ok"]` when sound.
    public func quickCheck() throws(FieldStoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
    }

    /// Folds the WAL back into the database file and truncates it (after a big apply).
    public func checkpoint() throws(FieldStoreError) {
        do { try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } } catch {
            throw FieldStoreError.wrap(error, path: path)
        }
    }

    /// Bytes on disk: the database file and its WAL.
    public func sizeOnDisk() -> Int64 {
        [path, path + "-wal"].reduce(0) { sum, p in
            sum + ((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
