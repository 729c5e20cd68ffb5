import CacheAssembly
import EPCIS
import FieldStore
import Foundation
import GRDB
import StampCrypto
import StrictJSON

/// The hub's queryable copy of captured events (beside the documents themselves) and its master data.
///
/// `epcis_event` keeps one row per event: its columns (time, action, bizStep, disposition, places,
/// parentID, the watchlist reason the tobacco mapping reads from it, the commissioning facts) and the
/// event's JSON with its `@context`. `epcis_event_epc` is the per-EPC index: every id an event names,
/// as a cache id (a pack by its stamp UID), with its role. Both are written in the capture's
/// transaction; triggers keep them as immutable as the documents.
enum HubEventStorage {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE epcis_event_v2 (
              seq INTEGER PRIMARY KEY,
              event_id TEXT NOT NULL UNIQUE,
              content_hash TEXT NOT NULL,
              capture_id TEXT NOT NULL REFERENCES capture (capture_id),
              event_index INTEGER NOT NULL,
              type TEXT NOT NULL,
              time INTEGER,
              action TEXT,
              biz_step TEXT,
              disposition TEXT,
              read_point TEXT,
              biz_location TEXT,
              parent_id TEXT,
              places TEXT NOT NULL DEFAULT '',
              watch_reason TEXT,
              watch_note TEXT,
              manufacture TEXT,
              body TEXT
            );
            INSERT INTO epcis_event_v2 (event_id, content_hash, capture_id, event_index, type)
              SELECT event_id, content_hash, capture_id, event_index, type FROM epcis_event ORDER BY rowid;
            DROP TABLE epcis_event;
            ALTER TABLE epcis_event_v2 RENAME TO epcis_event;
            CREATE INDEX epcis_event_parent ON epcis_event (parent_id) WHERE parent_id IS NOT NULL;
            CREATE TABLE epcis_event_epc (
              epc TEXT NOT NULL,
              event_seq INTEGER NOT NULL,
              role TEXT NOT NULL CHECK (role IN ('epc', 'parent', 'child', 'input', 'output')),
              gtin TEXT,
              PRIMARY KEY (epc, event_seq, role)
            ) WITHOUT ROWID;
            CREATE TABLE master_data (
              kind TEXT NOT NULL,
              id TEXT NOT NULL,
              json TEXT NOT NULL,
              import_id TEXT NOT NULL,
              PRIMARY KEY (kind, id)
            ) WITHOUT ROWID;
            CREATE TABLE master_data_import (
              import_id TEXT NOT NULL PRIMARY KEY,
              sha256 TEXT NOT NULL,
              document BLOB NOT NULL,
              imported_at INTEGER NOT NULL,
              entries INTEGER NOT NULL
            );
            """)
        // Events captured before this migration: summarised from their stored documents.
        let captures = try Row.fetchAll(db, sql: "SELECT capture_id, document FROM capture ORDER BY received_at, capture_id")
        for c in captures {
            let captureID: String = c[0]
            let stored = try Row.fetchAll(db, sql: "SELECT seq, event_index FROM epcis_event WHERE capture_id = ?", arguments: [captureID])
            guard !stored.isEmpty, case .success(let events) = EPCISCapture.prepare([UInt8](c[1] as Data)) else { continue }
            for r in stored {
                let index: Int = r[1]
                guard index < events.count, let summary = events[index].summary else { continue }
                try update(db, seq: r[0], summary)
            }
        }
        try db.execute(sql: """
            CREATE TRIGGER epcis_event_immutable BEFORE UPDATE ON epcis_event
              BEGIN SELECT RAISE(ABORT, 'a captured event cannot be changed'); END;
            CREATE TRIGGER epcis_event_permanent BEFORE DELETE ON epcis_event
              BEGIN SELECT RAISE(ABORT, 'a captured event cannot be deleted'); END;
            """)
    }

    static func insert(_ db: Database, _ e: CapturedEvent, captureID: String) throws {
        let s = e.summary
        try db.cachedStatement(sql: """
            INSERT INTO epcis_event (event_id, content_hash, capture_id, event_index, type, time, action, biz_step, disposition,
              read_point, biz_location, parent_id, places, watch_reason, watch_note, manufacture, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                e.eventID, e.contentHash, captureID, e.index, e.type, s?.time, s?.action, s?.bizStep, s?.disposition, s?.readPoint,
                s?.bizLocation, s?.parentID, s?.places.joined(separator: "\n") ?? "", s?.watchReason?.rawValue, s?.watchNote,
                s?.manufacture?.json, s?.body,
            ])
        if let s { try index(db, seq: db.lastInsertedRowID, s) }
    }

    static func update(_ db: Database, seq: Int64, _ s: EventSummary) throws {
        try db.execute(sql: """
            UPDATE epcis_event SET time = ?, action = ?, biz_step = ?, disposition = ?, read_point = ?, biz_location = ?, parent_id = ?,
              places = ?, watch_reason = ?, watch_note = ?, manufacture = ?, body = ? WHERE seq = ?
            """, arguments: [s.time, s.action, s.bizStep, s.disposition, s.readPoint, s.bizLocation, s.parentID,
                             s.places.joined(separator: "\n"), s.watchReason?.rawValue, s.watchNote, s.manufacture?.json, s.body, seq])
        try index(db, seq: seq, s)
    }

    static func index(_ db: Database, seq: Int64, _ s: EventSummary) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO epcis_event_epc (epc, event_seq, role, gtin) VALUES (?, ?, ?, ?)")
        for id in s.ids { try statement.execute(arguments: [id.id, seq, id.role.rawValue, id.gtin]) }
    }
}

// MARK: - Master data

extension SQLiteHubStore {
    /// What an import changed.
    public struct MasterDataImport: Sendable, Equatable {
        public var importID: String
        /// Entries new to the hub, and entries that replaced one with the same kind and id.
        public var added: Int
        public var replaced: Int
        public var unchanged: Int
    }

    /// Stores the entries of a validated master-data file, in one transaction: an entry replaces the
    /// hub's entry of the same kind and id. Refused whole (nothing stored) when the merged master data
    /// has a dangling reference.
    public func importMasterData(_ set: MasterDataSet, document: [UInt8], now: Int64) throws -> MasterDataImport {
        let importID = UUID().uuidString.lowercased()
        let sha = Hex.encode(SHA256.hash(document))
        return try writeSync { db in
            let merged = try Self.masterData(db).merging(set)
            let problems = merged.referenceProblems()
            guard problems.isEmpty else { throw HubStoreError.invalidArgument(problems.joined(separator: "\n")) }
            var result = MasterDataImport(importID: importID, added: 0, replaced: 0, unchanged: 0)
            let entries = set.entries
            for e in entries {
                let text = e.json.serialized()
                switch try String.fetchOne(db, sql: "SELECT json FROM master_data WHERE kind = ? AND id = ?", arguments: [e.kind, e.id]) {
                case nil: result.added += 1
                case text?: result.unchanged += 1; continue
                default: result.replaced += 1
                }
                try db.execute(sql: "INSERT OR REPLACE INTO master_data (kind, id, json, import_id) VALUES (?, ?, ?, ?)",
                               arguments: [e.kind, e.id, text, importID])
            }
            try db.execute(sql: "INSERT INTO master_data_import (import_id, sha256, document, imported_at, entries) VALUES (?, ?, ?, ?, ?)",
                           arguments: [importID, sha, Data(document), now, entries.count])
            return result
        }
    }

    public func masterData() throws -> MasterDataSet {
        try readSync { db in try Self.masterData(db) }
    }

    static func masterData(_ db: Database) throws -> MasterDataSet {
        var set = MasterDataSet()
        for r in try Row.fetchAll(db, sql: "SELECT kind, id, json FROM master_data ORDER BY kind, id") {
            let kind: String = r[0], id: String = r[1], text: String = r[2]
            do {
                try MasterDataFormat.entry(kind: kind, json: try JSONParser.parse(Array(text.utf8)), into: &set)
            } catch {
                throw HubStoreError.database("stored master data \(kind) \(id) is unreadable: \(error)")
            }
        }
        return set
    }
}

// MARK: - The assembler's source

/// `CacheAssembler`'s view of the hub database, inside one read transaction (a consistent snapshot
/// while captures continue).
final class HubAssemblySource: AssemblySource {
    let db: Database

    init(_ db: Database) { self.db = db }

    func masterData() throws -> MasterDataSet { try SQLiteHubStore.masterData(db) }

    func containerIDs() throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT DISTINCT parent_id FROM epcis_event WHERE parent_id IS NOT NULL AND type = 'AggregationEvent' ORDER BY parent_id
            """)
    }

    static let select = """
        SELECT x.epc, x.role, x.gtin, e.seq, e.event_id, e.type, e.time, e.action, e.biz_step, e.disposition, e.parent_id,
               e.watch_reason, e.places
        FROM epcis_event_epc x CROSS JOIN epcis_event e ON e.seq = x.event_seq
        """

    static func row(_ r: Row) -> IndexRow {
        let places: String = r[12]
        return IndexRow(
            id: r[0], role: EPCRole(rawValue: r[1]) ?? .epc, gtin: r[2],
            event: EventHead(rowid: r[3], eventID: r[4], type: r[5], time: r[6] ?? 0, action: r[7], bizStep: r[8], disposition: r[9],
                             parentID: r[10], watchReason: (r[11] as String?).flatMap(WatchReason.init(rawValue:)),
                             places: places.isEmpty ? [] : places.split(separator: "\n").map(String.init)))
    }

    func rows(for id: String) throws -> [IndexRow] {
        try Row.fetchAll(db.cachedStatement(sql: Self.select + " WHERE x.epc = ?"), arguments: [id]).map(Self.row)
    }

    func forEachID(_ body: (String, [IndexRow]) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: Self.select + " ORDER BY x.epc")
        var current: String?
        var group: [IndexRow] = []
        while let r = try cursor.next() {
            let row = Self.row(r)
            if row.id != current {
                if let current { try body(current, group) }
                current = row.id
                group.removeAll(keepingCapacity: true)
            }
            group.append(row)
        }
        if let current { try body(current, group) }
    }

    func detail(rowid: Int64) throws -> EventDetail {
        guard let r = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT read_point, biz_location, watch_note, manufacture, body FROM epcis_event WHERE seq = ?
            """), arguments: [rowid]) else {
            throw HubStoreError.database("event \(rowid) vanished during the assembly")
        }
        return EventDetail(readPoint: r[0], bizLocation: r[1], watchNote: r[2], manufacture: (r[3] as String?).flatMap(ManufactureTemplate.init(json:)),
                           body: r[4] ?? "{}")
    }
}
