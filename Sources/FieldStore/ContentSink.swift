import Foundation
import GRDB
import GRDBSQLite

/// SQLite's "copy the bytes now" destructor, a C macro Swift cannot import.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Inserts content rows into the content tables of one connection, with prepared statements bound
/// through the raw SQLite API (builders write millions of rows; GRDB's per-row conveniences would
/// dominate the time). Valid only inside the closure that received it.
public final class ContentSink {
    private let db: Database
    private let schema: String
    private var statements: [String: Statement] = [:]
    /// Rows written, per table.
    public private(set) var counts: [String: Int] = [:]

    init(db: Database, schema: String) {
        self.db = db
        self.schema = schema
    }

    /// Adds one row (for an event, use `add(_: CachedEvent)`, which also writes its ids).
    public func add<R: ContentRow>(_ row: R) throws(FieldStoreError) {
        try insert(R.table, row.values)
        try row.writeDependentRows(to: self)
    }

    /// Adds every row.
    public func add<S: Sequence>(contentsOf rows: S) throws(FieldStoreError) where S.Element: ContentRow {
        for row in rows { try add(row) }
    }

    func insert(_ table: ContentSchema.Table, _ values: [SQLValue]) throws(FieldStoreError) {
        guard values.count == table.columns.count else {
            throw FieldStoreError.invalidArgument("\(table.name): \(values.count) values for \(table.columns.count) columns")
        }
        let statement: Statement
        do {
            if let s = statements[table.name] {
                statement = s
            } else {
                let sql = "INSERT INTO \(schema).\(table.name) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
                statement = try db.makeStatement(sql: sql)
                statements[table.name] = statement
            }
        } catch {
            throw FieldStoreError.wrap(error)
        }
        let stmt = statement.sqliteStatement
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            switch v {
            case .null: sqlite3_bind_null(stmt, index)
            case .integer(let n): sqlite3_bind_int64(stmt, index, n)
            case .real(let d): sqlite3_bind_double(stmt, index, d)
            case .text(var s):
                // An empty buffer may have no base address, which SQLite would bind as NULL.
                if s.isEmpty {
                    sqlite3_bind_text(stmt, index, "", 0, sqliteTransient)
                } else {
                    s.withUTF8 { p in _ = sqlite3_bind_text(stmt, index, p.baseAddress, Int32(p.count), sqliteTransient) }
                }
            case .blob(let b):
                b.withUnsafeBytes { p in _ = sqlite3_bind_blob(stmt, index, p.baseAddress, Int32(p.count), sqliteTransient) }
            }
        }
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        guard rc == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            let described = values.prefix(3).map { "\($0)" }.joined(separator: ", ")
            throw FieldStoreError.wrap(DatabaseError(resultCode: ResultCode(rawValue: rc),
                                                     message: "\(table.name) row (\(described), …): \(message)"))
        }
        counts[table.name, default: 0] += 1
    }
}
