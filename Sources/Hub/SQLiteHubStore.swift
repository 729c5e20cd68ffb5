import Foundation
import GRDB
import StampCrypto

/// The hub's store: one SQLite database in WAL mode (GRDB `DatabasePool`), synchronous = FULL.
///
/// Why it is safe for evidence:
/// - Records are inserted once and never changed or deleted: triggers refuse UPDATE and DELETE on `record`.
///   UNIQUE (record_uuid) and UNIQUE (device_id, seq) hold even if the code above them were wrong.
/// - An upload is one transaction: the records, the device's contiguous-seq counter and the signed receipt
///   commit together; the receipt is only sent after the commit returned.
/// - A full disk (SQLITE_FULL, or EFBIG from a file-size limit) rolls the transaction back: nothing half-stored.
public final class SQLiteHubStore: HubStore, @unchecked Sendable {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.map(error)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: devices, records, receipts, captures") { db in
            try db.execute(sql: """
                CREATE TABLE device (
                  device_id TEXT NOT NULL PRIMARY KEY,
                  role TEXT NOT NULL CHECK (role IN ('console', 'capture')),
                  region TEXT NOT NULL DEFAULT '',
                  public_key BLOB,
                  created_at INTEGER NOT NULL,
                  enrolled_at INTEGER,
                  revoked_at INTEGER,
                  revoked_reason TEXT,
                  contiguous_seq INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE enrolment_token (
                  token_hash BLOB NOT NULL PRIMARY KEY,
                  device_id TEXT NOT NULL REFERENCES device (device_id),
                  issued_at INTEGER NOT NULL,
                  expires_at INTEGER NOT NULL,
                  used_at INTEGER
                );
                CREATE TABLE nonce (
                  device_id TEXT NOT NULL,
                  nonce TEXT NOT NULL,
                  created INTEGER NOT NULL,
                  seen_at INTEGER NOT NULL,
                  PRIMARY KEY (device_id, nonce)
                ) WITHOUT ROWID;
                CREATE INDEX nonce_seen ON nonce (seen_at);
                CREATE TABLE record (
                  record_uuid TEXT NOT NULL PRIMARY KEY,
                  device_id TEXT NOT NULL REFERENCES device (device_id),
                  seq INTEGER NOT NULL CHECK (seq >= 1),
                  kind TEXT NOT NULL,
                  payload BLOB NOT NULL,
                  sha256 TEXT NOT NULL,
                  received_at INTEGER NOT NULL,
                  receipt_id TEXT NOT NULL,
                  UNIQUE (device_id, seq)
                );
                CREATE TRIGGER record_immutable BEFORE UPDATE ON record
                  BEGIN SELECT RAISE(ABORT, 'a stored record cannot be changed'); END;
                CREATE TRIGGER record_permanent BEFORE DELETE ON record
                  BEGIN SELECT RAISE(ABORT, 'a stored record cannot be deleted'); END;
                CREATE TABLE refused_record (
                  record_uuid TEXT NOT NULL,
                  sha256 TEXT NOT NULL,
                  device_id TEXT NOT NULL,
                  seq INTEGER NOT NULL,
                  kind TEXT NOT NULL,
                  payload BLOB NOT NULL,
                  reason TEXT NOT NULL,
                  first_seen_at INTEGER NOT NULL,
                  PRIMARY KEY (record_uuid, sha256)
                );
                CREATE TABLE receipt (
                  receipt_id TEXT NOT NULL PRIMARY KEY,
                  device_id TEXT NOT NULL,
                  issued_at INTEGER NOT NULL,
                  body BLOB NOT NULL
                );
                CREATE TABLE capture (
                  capture_id TEXT NOT NULL PRIMARY KEY,
                  client_id TEXT NOT NULL,
                  sha256 TEXT NOT NULL UNIQUE,
                  document BLOB NOT NULL,
                  received_at INTEGER NOT NULL,
                  event_count INTEGER NOT NULL
                );
                CREATE TABLE epcis_event (
                  event_id TEXT NOT NULL PRIMARY KEY,
                  content_hash TEXT NOT NULL,
                  capture_id TEXT NOT NULL REFERENCES capture (capture_id),
                  event_index INTEGER NOT NULL,
                  type TEXT NOT NULL
                );
                CREATE TRIGGER capture_immutable BEFORE UPDATE ON capture
                  BEGIN SELECT RAISE(ABORT, 'a captured document cannot be changed'); END;
                CREATE TRIGGER capture_permanent BEFORE DELETE ON capture
                  BEGIN SELECT RAISE(ABORT, 'a captured document cannot be deleted'); END;
                """)
        }
        m.registerMigration("v2-epcis: queryable EPCIS events (per-EPC index, columns, body) and master data") { db in
            try HubEventStorage.migrate(db)
        }
        return m
    }

    // MARK: Error mapping

    static func map(_ error: any Error) -> any Error {
        if error is HubStoreError { return error }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL:
                return HubStoreError.storageFull(e.message ?? "SQLITE_FULL")
            case .SQLITE_IOERR:
                // A write past RLIMIT_FSIZE (EFBIG) or a failing disk: also "storage", also retryable.
                return HubStoreError.storageFull("a write failed: \(e.message ?? "I/O error")")
            default:
                return HubStoreError.database(e.description)
            }
        }
        return error
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch { throw Self.map(error) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch { throw Self.map(error) }
    }

    func writeSync<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw Self.map(error) }
    }

    func readSync<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw Self.map(error) }
    }

    public func close() throws { try pool.close() }

    // MARK: Devices (administration: synchronous, used by `stampwatch-hub devices`)

    /// Creates the device if it is new (pending) and issues a one-time enrolment token for it.
    /// Returns the token text, `DEVICE_ID:64 hex digits` (shown once; the hub keeps only its SHA-256), so that
    /// `stampwatch device enrol --token` learns its device id from the token alone.
    public func issueToken(deviceID: String, role: DeviceRole, region: String, now: Int64, ttl: Int64) throws -> String {
        guard DeviceRecord.isValidID(deviceID) else {
            throw HubStoreError.invalidArgument("device id \"\(deviceID)\" must be 1 to 64 of A-Z a-z 0-9 . _ -")
        }
        guard ttl > 0 else { throw HubStoreError.invalidArgument("the token lifetime must be positive") }
        let token = deviceID + ":" + Hex.encode(SecureRandom.bytes(32))
        let hash = Data(SHA256.hash(Array(token.utf8)))
        try writeSync { db in
            if let d = try Self.device(db, deviceID) {
                if d.state == .revoked {
                    throw HubStoreError.conflict("device \(deviceID) was revoked; enrol the replacement under a new id (its records stay attributed to the old one)")
                }
                if d.state == .active {
                    throw HubStoreError.conflict("device \(deviceID) is already enrolled; revoke it first, and enrol the replacement under a new id")
                }
                if d.role != role || d.region != region {
                    throw HubStoreError.conflict("device \(deviceID) is pending as \(d.role.rawValue) in region \"\(d.region)\"; issue its token with the same role and region")
                }
            } else {
                try db.execute(sql: "INSERT INTO device (device_id, role, region, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [deviceID, role.rawValue, region, now])
            }
            try db.execute(sql: "INSERT INTO enrolment_token (token_hash, device_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [hash, deviceID, now, now + ttl])
        }
        return token
    }

    public func revoke(deviceID: String, reason: String, now: Int64) throws {
        try writeSync { db in
            guard let d = try Self.device(db, deviceID) else { throw HubStoreError.notFound("no device \(deviceID)") }
            guard d.state != .revoked else { return }
            try db.execute(sql: "UPDATE device SET revoked_at = ?, revoked_reason = ? WHERE device_id = ?", arguments: [now, reason, deviceID])
            // Its unused tokens die with it.
            try db.execute(sql: "UPDATE enrolment_token SET used_at = ? WHERE device_id = ? AND used_at IS NULL", arguments: [now, deviceID])
        }
    }

    public func listDevices() throws -> [DeviceRecord] {
        try readSync { db in
            try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY device_id").map(Self.deviceRecord)
        }
    }

    public func deviceSync(_ id: String) throws -> DeviceRecord? {
        try readSync { db in try Self.device(db, id) }
    }

    static func device(_ db: Database, _ id: String) throws -> DeviceRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM device WHERE device_id = ?", arguments: [id]).map(deviceRecord)
    }

    static func deviceRecord(_ row: Row) -> DeviceRecord {
        DeviceRecord(deviceID: row["device_id"], role: DeviceRole(rawValue: row["role"]) ?? .console, region: row["region"],
                     publicKeySPKI: (row["public_key"] as Data?).map { [UInt8]($0) }, createdAt: row["created_at"],
                     enrolledAt: row["enrolled_at"], revokedAt: row["revoked_at"], revokedReason: row["revoked_reason"],
                     contiguousSeq: row["contiguous_seq"])
    }

    // MARK: HubStore

    public func device(_ id: String) async throws -> DeviceRecord? {
        try await read { db in try Self.device(db, id) }
    }

    public func enrol(deviceID: String, tokenHash: [UInt8], publicKeySPKI: [UInt8], now: Int64) async throws -> DeviceRecord {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT device_id, expires_at, used_at FROM enrolment_token WHERE token_hash = ?",
                                             arguments: [Data(tokenHash)]) else {
                throw HubStoreError.tokenRefused("the enrolment token is not known to this hub")
            }
            guard (row["device_id"] as String) == deviceID else {
                throw HubStoreError.tokenRefused("the enrolment token was issued for another device")
            }
            if (row["used_at"] as Int64?) != nil { throw HubStoreError.tokenRefused("the enrolment token has been used already; ask for a new one") }
            guard now <= (row["expires_at"] as Int64) else { throw HubStoreError.tokenRefused("the enrolment token has expired; ask for a new one") }
            guard let d = try Self.device(db, deviceID), d.state == .pending else {
                throw HubStoreError.tokenRefused("device \(deviceID) is not awaiting enrolment")
            }
            try db.execute(sql: "UPDATE enrolment_token SET used_at = ? WHERE token_hash = ?", arguments: [now, Data(tokenHash)])
            try db.execute(sql: "UPDATE device SET public_key = ?, enrolled_at = ? WHERE device_id = ?",
                           arguments: [Data(publicKeySPKI), now, deviceID])
            return try Self.device(db, deviceID)!
        }
    }

    public func rememberNonce(deviceID: String, nonce: String, created: Int64, now: Int64, keepFor: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM nonce WHERE seen_at < ?", arguments: [now - keepFor])
            try db.execute(sql: "INSERT OR IGNORE INTO nonce (device_id, nonce, created, seen_at) VALUES (?, ?, ?, ?)",
                           arguments: [deviceID, nonce, created, now])
            return db.changesCount == 1
        }
    }

    public func upload(deviceID: String, items: [BatchItem], requestSHA256: String, now: Int64,
                       signer: ReceiptSigner) async throws -> (ReceiptBody, [UInt8]) {
        let receiptID = UUID().uuidString.lowercased()
        return try await write { db in
            guard let device = try Self.device(db, deviceID) else { throw HubStoreError.notFound("no device \(deviceID)") }
            var entries: [ReceiptEntry] = []
            for item in items {
                switch item {
                case .invalid(let e):
                    entries.append(e)
                case .record(let r):
                    let byUUID = try Row.fetchOne(db, sql: "SELECT device_id, seq, sha256 FROM record WHERE record_uuid = ?",
                                                  arguments: [r.recordUUID]).map {
                        ExactlyOnce.Stored(recordUUID: r.recordUUID, deviceID: $0[0], seq: $0[1], sha256: $0[2])
                    }
                    let bySeq = try Row.fetchOne(db, sql: "SELECT record_uuid, sha256 FROM record WHERE device_id = ? AND seq = ?",
                                                 arguments: [deviceID, r.seq]).map {
                        ExactlyOnce.Stored(recordUUID: $0[0], deviceID: deviceID, seq: r.seq, sha256: $0[1])
                    }
                    switch ExactlyOnce.decide(r, byUUID: byUUID, bySeq: bySeq) {
                    case .store:
                        try db.execute(sql: """
                            INSERT INTO record (record_uuid, device_id, seq, kind, payload, sha256, received_at, receipt_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [r.recordUUID, deviceID, r.seq, r.kind, Data(r.payload), r.sha256, now, receiptID])
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .stored, sha256: r.sha256))
                    case .duplicate:
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .duplicate, sha256: r.sha256))
                    case .conflict(let why):
                        // Kept as evidence of the attempt (once per distinct content), never as the record.
                        try db.execute(sql: """
                            INSERT OR IGNORE INTO refused_record (record_uuid, sha256, device_id, seq, kind, payload, reason, first_seen_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [r.recordUUID, r.sha256, deviceID, r.seq, r.kind, Data(r.payload), why, now])
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .conflict, error: why))
                    }
                }
            }
            let (contiguous, highest) = try Self.advanceSequence(db, device: device)
            let body = ReceiptBody(kind: .upload, receiptID: receiptID, deviceID: deviceID, issuedAt: now, requestSHA256: requestSHA256,
                                   records: entries, highestContiguousSeq: contiguous, highestSeq: highest)
            return (body, try Self.storeReceipt(db, body, signer: signer))
        }
    }

    public func status(deviceID: String, fromSeq: Int64, limit: Int, now: Int64, signer: ReceiptSigner) async throws -> (ReceiptBody, [UInt8]) {
        let receiptID = UUID().uuidString.lowercased()
        return try await write { db in
            guard let device = try Self.device(db, deviceID) else { throw HubStoreError.notFound("no device \(deviceID)") }
            let rows = try Row.fetchAll(db, sql: "SELECT record_uuid, seq, sha256 FROM record WHERE device_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
                                        arguments: [deviceID, fromSeq, limit])
            let entries = rows.map { ReceiptEntry(recordUUID: $0[0], seq: $0[1], status: .stored, sha256: $0[2]) }
            let (contiguous, highest) = try Self.advanceSequence(db, device: device)
            let body = ReceiptBody(kind: .status, receiptID: receiptID, deviceID: deviceID, issuedAt: now, requestSHA256: nil,
                                   records: entries, highestContiguousSeq: contiguous, highestSeq: highest)
            return (body, try Self.storeReceipt(db, body, signer: signer))
        }
    }

    static func advanceSequence(_ db: Database, device: DeviceRecord) throws -> (Int64, Int64) {
        let contiguous = try ExactlyOnce.highestContiguous(from: device.contiguousSeq) { n in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM record WHERE device_id = ? AND seq = ?", arguments: [device.deviceID, n]) ?? false
        }
        if contiguous != device.contiguousSeq {
            try db.execute(sql: "UPDATE device SET contiguous_seq = ? WHERE device_id = ?", arguments: [contiguous, device.deviceID])
        }
        let highest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM record WHERE device_id = ?", arguments: [device.deviceID]) ?? 0
        return (contiguous, highest)
    }

    static func storeReceipt(_ db: Database, _ body: ReceiptBody, signer: ReceiptSigner) throws -> [UInt8] {
        let signed = try signer.sign(body)
        try db.execute(sql: "INSERT INTO receipt (receipt_id, device_id, issued_at, body) VALUES (?, ?, ?, ?)",
                       arguments: [body.receiptID, body.deviceID, body.issuedAt, Data(signed)])
        return signed
    }

    public func capture(clientID: String, document: [UInt8], events: [CapturedEvent], now: Int64) async throws -> CaptureOutcome {
        let sha = Hex.encode(SHA256.hash(document))
        let newID = UUID().uuidString.lowercased()
        return try await write { db in try Self.storeCapture(db, clientID: clientID, document: document, sha: sha, newID: newID, events: events, now: now) }
    }

    /// `capture` for the command line (`stampwatch-hub capture`): the same transaction and rules, synchronously.
    public func captureSync(clientID: String, document: [UInt8], events: [CapturedEvent], now: Int64) throws -> CaptureOutcome {
        let sha = Hex.encode(SHA256.hash(document))
        let newID = UUID().uuidString.lowercased()
        return try writeSync { db in try Self.storeCapture(db, clientID: clientID, document: document, sha: sha, newID: newID, events: events, now: now) }
    }

    static func storeCapture(_ db: Database, clientID: String, document: [UInt8], sha: String, newID: String, events: [CapturedEvent],
                             now: Int64) throws -> CaptureOutcome {
        if let existing = try String.fetchOne(db, sql: "SELECT capture_id FROM capture WHERE sha256 = ?", arguments: [sha]) {
            return CaptureOutcome(captureID: existing, repeated: true, events: events.map { ($0, "duplicate") })
        }
        var out: [(CapturedEvent, String)] = []
        var toInsert: [CapturedEvent] = []
        var seen: [String: String] = [:]
        for e in events {
            if let h = seen[e.eventID] {
                guard h == e.contentHash else {
                    throw HubStoreError.conflict("event \(e.index): eventID \(e.eventID) appears twice in the document with different content")
                }
                out.append((e, "duplicate"))
                continue
            }
            seen[e.eventID] = e.contentHash
            if let h = try String.fetchOne(db.cachedStatement(sql: "SELECT content_hash FROM epcis_event WHERE event_id = ?"), arguments: [e.eventID]) {
                guard h == e.contentHash else {
                    throw HubStoreError.conflict("event \(e.index): eventID \(e.eventID) was captured before with different content")
                }
                out.append((e, "duplicate"))
            } else {
                toInsert.append(e)
                out.append((e, "stored"))
            }
        }
        if toInsert.isEmpty, let first = events.first,
           let earlier = try String.fetchOne(db, sql: "SELECT capture_id FROM epcis_event WHERE event_id = ?", arguments: [first.eventID]) {
            // Every event is known already: nothing new is stored, not even the document.
            return CaptureOutcome(captureID: earlier, repeated: true, events: out)
        }
        try db.execute(sql: "INSERT INTO capture (capture_id, client_id, sha256, document, received_at, event_count) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [newID, clientID, sha, Data(document), now, events.count])
        for e in toInsert { try HubEventStorage.insert(db, e, captureID: newID) }
        return CaptureOutcome(captureID: newID, repeated: false, events: out)
    }

    public func checkHealth() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM device") }
    }

    // MARK: Reading stored records (audits, clone detection, tests)

    /// A stored record with its exact bytes.
    public struct StoredRecord: Sendable, Equatable {
        public var recordUUID: String
        public var deviceID: String
        public var seq: Int64
        public var kind: String
        public var payload: [UInt8]
        public var receivedAt: Int64
    }

    public func records(deviceID: String? = nil) throws -> [StoredRecord] {
        try readSync { db in
            let sql = "SELECT record_uuid, device_id, seq, kind, payload, received_at FROM record"
                + (deviceID == nil ? "" : " WHERE device_id = ?") + " ORDER BY device_id, seq"
            return try Row.fetchAll(db, sql: sql, arguments: deviceID.map { [$0] } ?? []).map {
                StoredRecord(recordUUID: $0[0], deviceID: $0[1], seq: $0[2], kind: $0[3], payload: [UInt8]($0[4] as Data), receivedAt: $0[5])
            }
        }
    }

    /// Row counts of the evidence tables (tests and `devices list`).
    public func counts() throws -> [String: Int] {
        try readSync { db in
            var out: [String: Int] = [:]
            for t in ["device", "record", "refused_record", "receipt", "capture", "epcis_event", "epcis_event_epc", "nonce", "master_data"] {
                out[t] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? 0
            }
            return out
        }
    }

    /// `PRAGMA integrity_check` ("ok" when sound).
    public func integrityCheck() throws -> String {
        try readSync { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Every stored inspection with its device's region, for clone detection.
    public func inspections() throws -> [(record: StoredRecord, region: String)] {
        try readSync { db in
            try Row.fetchAll(db, sql: """
                SELECT r.record_uuid, r.device_id, r.seq, r.kind, r.payload, r.received_at, d.region FROM record r
                JOIN device d ON d.device_id = r.device_id WHERE r.kind = 'inspection' ORDER BY r.device_id, r.seq
                """).map {
                (StoredRecord(recordUUID: $0[0], deviceID: $0[1], seq: $0[2], kind: $0[3], payload: [UInt8]($0[4] as Data), receivedAt: $0[5]),
                 $0[6])
            }
        }
    }
}
