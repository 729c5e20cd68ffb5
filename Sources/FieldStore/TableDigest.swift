import Foundation
import GRDB
import GRDBSQLite
import StampCrypto

/// A table's row count and SHA-256 over its rows, in the encoding `CacheFileFormat` documents.
///
/// Why digests and not only the TUF hash of the file: the TUF hash proves the file is what the hub
/// published; the per-table digests prove that the rows the store ends up with (after a copy or after a
/// delta) are exactly the rows the hub had, so a builder bug, a wrong base or a locally altered table
/// is caught before the swap commits.
public struct TableDigest: Sendable, Equatable, CustomStringConvertible {
    public var rows: Int64
    public var sha256: String

    public init(rows: Int64, sha256: String) {
        self.rows = rows
        self.sha256 = sha256
    }

    public var description: String { "\(rows) rows, sha256 \(sha256.prefix(16))…" }

    static func isHex256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// SHA-256 over `name:hex\n` for each content table in schema order.
    static func contentDigest(_ perTable: [String: String]) -> String {
        var text = ""
        for t in ContentSchema.tables { text += "\(t.name):\(perTable[t.name] ?? "")\n" }
        return Hex.encode(SHA256.hash(Array(text.utf8)))
    }

    /// Digest of `schema.table` (all columns), read in primary-key order.
    static func compute(_ db: Database, schema: String, table: ContentSchema.Table) throws -> TableDigest {
        try compute(db, sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(schema).\(table.name) ORDER BY \(table.primaryKey.joined(separator: ", "))")
    }

    /// Digest of a delta's `deleted_<table>` (primary-key columns only).
    static func computeDeleted(_ db: Database, schema: String, table: ContentSchema.Table) throws -> TableDigest {
        let pk = table.primaryKey.joined(separator: ", ")
        return try compute(db, sql: "SELECT \(pk) FROM \(schema).\(table.deletedTableName) ORDER BY \(pk)")
    }

    /// Streams the statement's rows through SHA-256 with the raw SQLite API (no Row allocation per row:
    /// this runs over millions of packs inside apply).
    static func compute(_ db: Database, sql: String) throws -> TableDigest {
        let statement = try db.makeStatement(sql: sql)
        let stmt = statement.sqliteStatement
        let columnCount = sqlite3_column_count(stmt)
        let hasher = SHA256Hasher()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        var rows: Int64 = 0
        func appendBE<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.bigEndian) { buffer.append(contentsOf: $0) }
        }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                sqlite3_reset(stmt)
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
            }
            rows += 1
            for i in 0..<columnCount {
                switch sqlite3_column_type(stmt, i) {
                case SQLITE_NULL:
                    buffer.append(0)
                case SQLITE_INTEGER:
                    buffer.append(1)
                    appendBE(sqlite3_column_int64(stmt, i))
                case SQLITE_FLOAT:
                    buffer.append(2)
                    appendBE(sqlite3_column_double(stmt, i).bitPattern)
                case SQLITE_TEXT:
                    let n = Int(sqlite3_column_bytes(stmt, i))
                    buffer.append(3)
                    appendBE(UInt32(n))
                    if n > 0, let p = sqlite3_column_text(stmt, i) {
                        buffer.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                    }
                default: // SQLITE_BLOB
                    let p = sqlite3_column_blob(stmt, i)
                    let n = Int(sqlite3_column_bytes(stmt, i))
                    buffer.append(4)
                    appendBE(UInt32(n))
                    if n > 0, let p {
                        buffer.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
                    }
                }
            }
            if buffer.count >= 60_000 {
                hasher.update(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        sqlite3_reset(stmt)
        hasher.update(buffer)
        return TableDigest(rows: rows, sha256: Hex.encode(hasher.finalize()))
    }
}
