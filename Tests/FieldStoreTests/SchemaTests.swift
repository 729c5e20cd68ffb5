import FieldStore
import GRDB
import XCTest

/// The live database is what the requirements say: WAL, foreign keys on, named migrations, and the
/// indexes the console's lookups rely on (checked with EXPLAIN QUERY PLAN, so a dropped index fails).
final class SchemaTests: XCTestCase {
    func testOpenGivesWALForeignKeysAndNamedMigration() throws {
        let scratch = Scratch()
        let store = try Fixture.openStore(scratch)
        try store.close()
        let db = try DatabaseQueue(path: scratch.file("store.sqlite"))
        try db.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), ["v1-field-store"])
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table'"))
            for t in ContentSchema.tables { XCTAssertTrue(tables.contains(t.name), t.name) }
            for t in ["cache_meta", "trusted_role", "trusted_time", "update_attempt", "inspection", "outbox", "device_sequence"] {
                XCTAssertTrue(tables.contains(t), t)
            }
        }
        // Reopening runs no migration twice and keeps the data.
        let again = try Fixture.openStore(scratch)
        XCTAssertNil(try again.cacheInfo())
        let fk = try again.rawRead { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        XCTAssertEqual(fk, true)
    }

    func testLookupsUseIndexes() throws {
        let scratch = Scratch()
        _ = try Fixture.openStore(scratch)
        let db = try DatabaseQueue(path: scratch.file("store.sqlite"))
        func plan(_ sql: String) throws -> String {
            try db.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ") }
        }
        XCTAssertTrue(try plan("SELECT * FROM pack WHERE uid = 'x'").contains("USING PRIMARY KEY"))
        XCTAssertTrue(try plan("SELECT parent_id FROM aggregation WHERE child_id = 'x'").contains("USING PRIMARY KEY"))
        XCTAssertTrue(try plan("SELECT child_id FROM aggregation WHERE parent_id = 'x'").contains("aggregation_parent"))
        XCTAssertTrue(try plan("SELECT event_id FROM event_epc WHERE epc = 'x'").contains("USING PRIMARY KEY"))
        XCTAssertTrue(try plan("SELECT * FROM event WHERE event_id = 'x'").contains("sqlite_autoindex_event_1"))
        XCTAssertFalse(try plan("SELECT * FROM pack WHERE uid = 'x'").contains("SCAN"))
    }
}

extension FieldStore {
    /// Test access to a raw read (the module's `read` is internal).
    func rawRead<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read(body)
    }
}

extension FieldStore {
    /// A raw write on a separate connection: how an attacker or a bug would reach the tables.
    func rawWrite(_ sql: String, _ args: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.write { db in try db.execute(sql: sql, arguments: args) }
    }
}
