import Foundation
import GRDB

/// What opening a damaged store did: where the damaged file went, what was saved from it, what was lost.
public struct RecoveryReport: Sendable, CustomStringConvertible {
    /// The damaged file, moved aside and kept as evidence (never deleted by the store).
    public var damagedFile: String
    /// Why the file was judged damaged.
    public var damage: String
    /// Rows copied into the fresh store, per table.
    public var salvaged: [String: Int]
    /// Tables that could not be read in full, with the error.
    public var problems: [String]

    public var description: String {
        let saved = salvaged.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var text = "the field store was damaged (\(damage)); it was moved to \(damagedFile) and a fresh store started. Saved: \(saved.isEmpty ? "nothing" : saved). The cache must be downloaded again."
        if !problems.isEmpty { text += " Problems: " + problems.joined(separator: "; ") }
        return text
    }
}

/// The fallback for a damaged store file.
///
/// Why not just delete it: it holds inspections that may not have reached the hub yet, and the trusted
/// state that stops rollback attacks. The file is renamed (with its WAL), a fresh store is created, and
/// whatever SQLite can still read of the device's own tables is copied over, row by row, from a private
/// copy (so the evidence file is never written to). Cache content is not salvaged: it is re-fetched and
/// verified instead of trusting a damaged copy.
enum Recovery {
    /// Device-owned tables copied from the damaged file, in insertion order (parents first).
    static let salvageTables = ["trusted_role", "trusted_time", "inspection", "outbox", "receipt", "device_sequence"]

    static func quarantineAndRecover(
        path: String, damageDetail: String, reopen: () throws(FieldStoreError) -> DatabasePool
    ) throws(FieldStoreError) -> (pool: DatabasePool, report: RecoveryReport) {
        let fm = FileManager.default
        let stamp = Int64(Date().timeIntervalSince1970)
        var damaged = "\(path).damaged-\(stamp)"
        var n = 1
        while fm.fileExists(atPath: damaged) {
            damaged = "\(path).damaged-\(stamp)-\(n)"
            n += 1
        }
        do {
            try fm.moveItem(atPath: path, toPath: damaged)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: path + suffix) {
                try fm.moveItem(atPath: path + suffix, toPath: damaged + suffix)
            }
        } catch {
            throw FieldStoreError.damaged(path: path, detail: "\(damageDetail); moving it aside failed: \(error)")
        }
        let pool = try reopen()
        var report = RecoveryReport(damagedFile: damaged, damage: damageDetail, salvaged: [:], problems: [])
        salvage(from: damaged, into: pool, report: &report)
        return (pool, report)
    }

    private static func salvage(from damaged: String, into pool: DatabasePool, report: inout RecoveryReport) {
        let fm = FileManager.default
        let copy = NSTemporaryDirectory() + "/fieldstore-salvage-\(UUID().uuidString).sqlite"
        defer {
            for s in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: copy + s) }
        }
        do {
            try fm.copyItem(atPath: damaged, toPath: copy)
            if fm.fileExists(atPath: damaged + "-wal") { try fm.copyItem(atPath: damaged + "-wal", toPath: copy + "-wal") }
        } catch {
            report.problems.append("could not copy the damaged file: \(error)")
            return
        }
        let source: DatabaseQueue
        do {
            var config = Configuration()
            config.foreignKeysEnabled = false
            source = try DatabaseQueue(path: copy, configuration: config)
        } catch {
            report.problems.append("the damaged file cannot be opened at all (\(error)); no record could be saved")
            return
        }
        var sequences: [String: Int64] = [:]
        for table in salvageTables {
            var rows: [Row] = []
            do {
                try source.read { db in
                    let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table)")
                    while let row = try cursor.next() { rows.append(row.copy()) }
                }
            } catch {
                report.problems.append("\(table): \(rows.count) rows read, then \(error)")
            }
            if table == "device_sequence" {
                for row in rows {
                    let id: String = row["device_id"]
                    sequences[id] = max(sequences[id] ?? 0, row["last_seq"])
                }
                continue
            }
            if table == "inspection" || table == "outbox" {
                for row in rows {
                    let id: String = row["device_id"]
                    sequences[id] = max(sequences[id] ?? 0, row["seq"])
                }
            }
            var copied = 0
            for row in rows {
                let columns = Array(row.columnNames)
                let sql = "INSERT OR IGNORE INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
                do {
                    try pool.write { db in
                        try db.execute(sql: sql, arguments: StatementArguments(Array(row.databaseValues)))
                        copied += db.changesCount
                    }
                } catch {
                    report.problems.append("\(table): a row could not be copied: \(error)")
                }
            }
            report.salvaged[table] = copied
        }
        // The sequence never restarts below a number already used: the highest of the saved counter
        // and every saved record.
        do {
            try pool.write { db in
                for (device, last) in sequences {
                    try db.execute(sql: "INSERT INTO device_sequence (device_id, last_seq) VALUES (?, ?)", arguments: [device, last])
                }
            }
            report.salvaged["device_sequence"] = sequences.count
        } catch {
            report.problems.append("device_sequence: \(error)")
        }
        try? source.close()
    }
}
