import Foundation
import GRDB
import StrictJSON

/// What the officer decided about one code, as the console hands it to the store.
public struct InspectionInput: Sendable, Equatable {
    public var code: String
    public var verdict: String
    /// JSON array of `{code, message}` reasons (checked to be JSON).
    public var reasonsJSON: String
    /// JSON of the checklist results (checked to be JSON).
    public var checklistJSON: String
    public var notes: String
    /// Where (free text or "lat,lon").
    public var place: String
    public var officerID: String
    /// The cache used for the verdict, and its age in seconds then (nil: no cache).
    public var cacheVersion: Int64?
    public var cacheAgeSeconds: Int64?
    /// Epoch seconds (trusted time).
    public var createdAt: Int64

    public init(code: String, verdict: String, reasonsJSON: String = "[]", checklistJSON: String = "{}", notes: String = "",
                place: String = "", officerID: String, cacheVersion: Int64?, cacheAgeSeconds: Int64?, createdAt: Int64) {
        self.code = code; self.verdict = verdict; self.reasonsJSON = reasonsJSON; self.checklistJSON = checklistJSON
        self.notes = notes; self.place = place; self.officerID = officerID; self.cacheVersion = cacheVersion
        self.cacheAgeSeconds = cacheAgeSeconds; self.createdAt = createdAt
    }
}

/// A recorded inspection: its identity and the exact bytes queued for the hub.
public struct RecordedInspection: Sendable, Equatable {
    public var recordUUID: UUID
    public var deviceID: String
    /// Gap-free per device, from 1.
    public var seq: Int64
    /// The outbox payload (JSON, keys sorted), stored and sent exactly as these bytes.
    public var payload: [UInt8]
}

/// An outbox row as sync sees it.
public struct OutboxEntry: Sendable, Equatable {
    public enum State: String, Sendable { case pending, inFlight = "in-flight", acknowledged, refused }
    public var recordUUID: UUID
    public var deviceID: String
    public var seq: Int64
    public var kind: String
    public var payload: [UInt8]
    public var state: State
    public var attempts: Int64
    public var nextAttemptAt: Int64
    public var lastError: String?
}

/// A hub receipt whose signature the caller (Sync) has verified: the only thing that lets records go.
public struct VerifiedReceipt: Sendable, Equatable {
    public var receiptID: String
    /// The records the hub says it has stored.
    public var acknowledged: [UUID]
    /// The receipt as received (kept as evidence).
    public var raw: [UInt8]
    public init(receiptID: String, acknowledged: [UUID], raw: [UInt8]) {
        self.receiptID = receiptID; self.acknowledged = acknowledged; self.raw = raw
    }
}

/// The outbox: inspections and what must reach the hub.
///
/// Why it is built this way:
/// - `record` writes the inspection and its outbox row in one transaction, with the sequence number
///   allocated in that same transaction from `device_sequence` (a counter, not max(seq)+1, so deleting
///   acknowledged records never reuses a number). SQLite serialises writers, also across processes, and
///   a transaction either commits whole or not at all: numbers are gap-free and never duplicated, and a
///   record that `record` returned is on disk (synchronous = FULL) even if the process is killed next.
/// - Payload bytes are written once and never rewritten (a trigger refuses it): what is signed and sent
///   later is what was recorded.
/// - Nothing is deleted except by `acknowledge(_:deleteRecords: true)` for the UUIDs a verified receipt
///   names; triggers refuse any other delete.
extension FieldStore {
    /// Records an inspection and queues it for the hub, atomically.
    public func record(_ input: InspectionInput, deviceID: String, uuid: UUID = UUID()) throws(FieldStoreError) -> RecordedInspection {
        guard !deviceID.isEmpty else { throw FieldStoreError.invalidArgument("a device id is required to record an inspection") }
        let reasons: JSONValue, checklist: JSONValue
        do { reasons = try JSONParser.parse(input.reasonsJSON) } catch {
            throw FieldStoreError.invalidArgument("the reasons are not valid JSON (\(error))")
        }
        do { checklist = try JSONParser.parse(input.checklistJSON) } catch {
            throw FieldStoreError.invalidArgument("the checklist results are not valid JSON (\(error))")
        }
        let id = uuid.uuidString.lowercased()
        return try write { db in
            try db.execute(sql: """
                INSERT INTO device_sequence (device_id, last_seq) VALUES (?, 1)
                ON CONFLICT (device_id) DO UPDATE SET last_seq = last_seq + 1
                """, arguments: [deviceID])
            let seq = try Int64.fetchOne(db, sql: "SELECT last_seq FROM device_sequence WHERE device_id = ?", arguments: [deviceID])!
            let payload = Self.payload(input, id: id, deviceID: deviceID, seq: seq, reasons: reasons, checklist: checklist)
            try db.execute(sql: """
                INSERT INTO inspection (record_uuid, device_id, seq, code, verdict, reasons_json, checklist_json, notes, place,
                  officer_id, cache_version, cache_age_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, deviceID, seq, input.code, input.verdict, input.reasonsJSON, input.checklistJSON, input.notes,
                                 input.place, input.officerID, input.cacheVersion, input.cacheAgeSeconds, input.createdAt])
            try db.execute(sql: """
                INSERT INTO outbox (record_uuid, device_id, seq, kind, payload, state, attempts, next_attempt_at)
                VALUES (?, ?, ?, 'inspection', ?, 'pending', 0, ?)
                """, arguments: [id, deviceID, seq, Data(payload), input.createdAt])
            return RecordedInspection(recordUUID: uuid, deviceID: deviceID, seq: seq, payload: payload)
        }
    }

    static func payload(_ input: InspectionInput, id: String, deviceID: String, seq: Int64, reasons: JSONValue,
                        checklist: JSONValue) -> [UInt8] {
        let object: JSONObject = [
            "record_uuid": .string(id), "device_id": .string(deviceID), "seq": .integer(seq), "code": .string(input.code),
            "verdict": .string(input.verdict), "reasons": reasons, "checklist": checklist, "notes": .string(input.notes),
            "place": .string(input.place), "officer_id": .string(input.officerID),
            "cache_version": input.cacheVersion.map(JSONValue.integer) ?? .null,
            "cache_age_seconds": input.cacheAgeSeconds.map(JSONValue.integer) ?? .null,
            "created_at": .integer(input.createdAt),
        ]
        return JSONValue.object(object).serializedBytes(sortedKeys: true)
    }

    /// Outbox rows ready to send (pending and due), oldest sequence first.
    public func pendingOutbox(limit: Int, now: Int64) throws(FieldStoreError) -> [OutboxEntry] {
        try outbox(where: "state = 'pending' AND next_attempt_at <= ?", [now], limit: limit)
    }

    /// Every outbox row for the given record.
    public func outboxEntry(_ uuid: UUID) throws(FieldStoreError) -> OutboxEntry? {
        try outbox(where: "record_uuid = ?", [uuid.uuidString.lowercased()], limit: 1).first
    }

    /// Counts per state (for the status line).
    public func outboxCounts() throws(FieldStoreError) -> [OutboxEntry.State: Int] {
        try read { db in
            var out: [OutboxEntry.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox GROUP BY state") {
                if let s = OutboxEntry.State(rawValue: row[0]) { out[s] = row[1] }
            }
            return out
        }
    }

    private func outbox(where condition: String, _ args: [any DatabaseValueConvertible], limit: Int) throws(FieldStoreError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT record_uuid, device_id, seq, kind, payload, state, attempts, next_attempt_at, last_error FROM outbox
                WHERE \(condition) ORDER BY device_id, seq LIMIT \(limit)
                """, arguments: StatementArguments(args)).map {
                OutboxEntry(recordUUID: UUID(uuidString: $0[0]) ?? UUID(), deviceID: $0[1], seq: $0[2], kind: $0[3],
                            payload: [UInt8]($0[4] as Data), state: OutboxEntry.State(rawValue: $0[5]) ?? .pending,
                            attempts: $0[6], nextAttemptAt: $0[7], lastError: $0[8])
            }
        }
    }

    /// Marks rows as being sent (they go back to pending if the process dies).
    public func markInFlight(_ uuids: [UUID]) throws(FieldStoreError) {
        try setStates(uuids, sql: "UPDATE outbox SET state = 'in-flight', attempts = attempts + 1 WHERE record_uuid = ? AND state = 'pending'")
    }

    /// A send failed: back to pending, retried from `retryAt`.
    public func markSendFailed(_ uuids: [UUID], error: String, retryAt: Int64) throws(FieldStoreError) {
        try write { db in
            for u in uuids {
                try db.execute(sql: "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE record_uuid = ? AND state = 'in-flight'",
                               arguments: [error, retryAt, u.uuidString.lowercased()])
            }
        }
    }

    /// The hub refused a record for good (kept, never deleted; shown to the officer).
    public func markRefused(_ uuid: UUID, reason: String) throws(FieldStoreError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'refused', last_error = ? WHERE record_uuid = ? AND state IN ('pending', 'in-flight')",
                           arguments: [reason, uuid.uuidString.lowercased()])
        }
    }

    private func setStates(_ uuids: [UUID], sql: String) throws(FieldStoreError) {
        try write { db in
            for u in uuids { try db.execute(sql: sql, arguments: [u.uuidString.lowercased()]) }
        }
    }

    /// Applies a verified receipt: the records it names become acknowledged (and, with `deleteRecords`,
    /// are deleted). UUIDs the store does not hold are returned, not an error (a repeated receipt).
    @discardableResult
    public func acknowledge(_ receipt: VerifiedReceipt, receivedAt: Int64, deleteRecords: Bool = false) throws(FieldStoreError) -> [UUID] {
        guard !receipt.receiptID.isEmpty else { throw FieldStoreError.invalidArgument("a receipt needs an id") }
        return try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO receipt (receipt_id, received_at, raw) VALUES (?, ?, ?)",
                           arguments: [receipt.receiptID, receivedAt, Data(receipt.raw)])
            var unknown: [UUID] = []
            for u in receipt.acknowledged {
                let id = u.uuidString.lowercased()
                try db.execute(sql: "UPDATE outbox SET state = 'acknowledged', receipt_id = ?, last_error = NULL WHERE record_uuid = ? AND state <> 'acknowledged'",
                               arguments: [receipt.receiptID, id])
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM outbox WHERE record_uuid = ?", arguments: [id]) ?? false
                if !exists { unknown.append(u); continue }
                if deleteRecords {
                    try db.execute(sql: "DELETE FROM inspection WHERE record_uuid = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM outbox WHERE record_uuid = ?", arguments: [id])
                }
            }
            return unknown
        }
    }

    /// The stored inspection (nil if never recorded or deleted after acknowledgement).
    public func inspection(_ uuid: UUID) throws(FieldStoreError) -> (input: InspectionInput, deviceID: String, seq: Int64)? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT code, verdict, reasons_json, checklist_json, notes, place, officer_id, cache_version, cache_age_seconds,
                  created_at, device_id, seq FROM inspection WHERE record_uuid = ?
                """, arguments: [uuid.uuidString.lowercased()]).map {
                (InspectionInput(code: $0[0], verdict: $0[1], reasonsJSON: $0[2], checklistJSON: $0[3], notes: $0[4], place: $0[5],
                                 officerID: $0[6], cacheVersion: $0[7], cacheAgeSeconds: $0[8], createdAt: $0[9]), $0[10], $0[11])
            }
        }
    }

    /// All sequence numbers recorded for a device, ascending (tests and audits).
    public func sequenceNumbers(deviceID: String) throws(FieldStoreError) -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM inspection WHERE device_id = ? ORDER BY seq", arguments: [deviceID]) }
    }
}
