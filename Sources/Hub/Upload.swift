import Foundation
import StampCrypto
import StrictJSON

/// One record of an upload batch, checked and ready for the exactly-once decision.
public struct IncomingRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var recordUUID: String
    public var deviceID: String
    public var seq: Int64
    public var kind: String
    /// The payload exactly as the device recorded and sent it.
    public var payload: [UInt8]
    /// Hex SHA-256 of `payload`.
    public var sha256: String

    public init(recordUUID: String, deviceID: String, seq: Int64, kind: String, payload: [UInt8]) {
        self.recordUUID = recordUUID; self.deviceID = deviceID; self.seq = seq; self.kind = kind; self.payload = payload
        self.sha256 = Hex.encode(SHA256.hash(payload))
    }
}

/// An upload batch as parsed: each item is a record to decide on, or a per-record refusal.
public enum BatchItem: Sendable, Equatable {
    case record(IncomingRecord)
    case invalid(ReceiptEntry)
}

/// The body of `POST /v1/devices/{id}/records`:
/// `{"records": [{"record_uuid": "…", "seq": 1, "kind": "inspection", "payload": "BASE64"}]}`.
///
/// Why base64: the hub keeps each payload byte-identical to what the device recorded (its outbox bytes),
/// and an embedded JSON object would be re-serialised by any parser on the way.
public enum UploadBatch {
    public static let maxRecords = 1000
    public static let maxPayloadBytes = 64 << 10
    public static let kinds: Set<String> = ["inspection"]

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses a batch for `deviceID`. Whole-batch problems throw (400); per-record problems become `.invalid`.
    public static func parse(_ body: [UInt8], deviceID: String) throws(Failure) -> [BatchItem] {
        let doc: JSONValue
        do { doc = try JSONParser.parse(body, limits: JSONLimits(maxDepth: 16)) } catch {
            throw Failure(message: "the body is not JSON: \(error)")
        }
        guard case .object(let o) = doc, case .array(let records)? = o["records"] else {
            throw Failure(message: "the body must be an object with a \"records\" array")
        }
        guard !records.isEmpty else { throw Failure(message: "\"records\" is empty") }
        guard records.count <= maxRecords else {
            throw Failure(message: "\(records.count) records in one batch; send at most \(maxRecords)")
        }
        return records.enumerated().map { parseRecord($1, index: $0, deviceID: deviceID) }
    }

    static func parseRecord(_ v: JSONValue, index: Int, deviceID: String) -> BatchItem {
        let rawUUID = v["record_uuid"]?.stringValue ?? ""
        let seq = v["seq"]?.integerValue
        func invalid(_ why: String) -> BatchItem {
            .invalid(ReceiptEntry(recordUUID: canonicalUUID(rawUUID) ?? rawUUID, seq: seq, status: .invalid, error: "record \(index): \(why)"))
        }
        guard case .object = v else { return invalid("must be an object") }
        guard let uuid = canonicalUUID(rawUUID) else { return invalid("record_uuid \"\(rawUUID)\" is not a UUID") }
        guard let seq, seq >= 1 else { return invalid("seq must be an integer of at least 1") }
        guard let kind = v["kind"]?.stringValue, kinds.contains(kind) else {
            return invalid("kind must be one of \(kinds.sorted().joined(separator: ", "))")
        }
        guard let b64 = v["payload"]?.stringValue, let data = Data(base64Encoded: b64) else {
            return invalid("payload must be base64 text")
        }
        let payload = [UInt8](data)
        guard !payload.isEmpty, payload.count <= maxPayloadBytes else {
            return invalid("payload must be 1 to \(maxPayloadBytes) bytes, found \(payload.count)")
        }
        // The payload names itself; it must agree with the envelope so that the stored bytes are self-describing.
        guard case .object(let p)? = try? JSONParser.parse(payload, limits: JSONLimits(maxDepth: 32)) else {
            return invalid("payload is not a JSON object")
        }
        guard p["record_uuid"]?.stringValue.flatMap(canonicalUUID) == uuid else { return invalid("payload record_uuid differs from the envelope") }
        guard p["seq"]?.integerValue == seq else { return invalid("payload seq differs from the envelope") }
        guard p["device_id"]?.stringValue == deviceID else { return invalid("payload device_id is not \(deviceID)") }
        return .record(IncomingRecord(recordUUID: uuid, deviceID: deviceID, seq: seq, kind: kind, payload: payload))
    }

    /// Lower-case 8-4-4-4-12 form, or nil.
    public static func canonicalUUID(_ s: String) -> String? {
        guard s.utf8.count == 36, let u = UUID(uuidString: s) else { return nil }
        return u.uuidString.lowercased()
    }

    /// A batch body for the given records (the device's side; tests use it).
    public static func encode(_ records: [(uuid: String, seq: Int64, kind: String, payload: [UInt8])]) -> [UInt8] {
        UploadBody.encode(records.map { UploadBody.Record(recordUUID: $0.uuid, seq: $0.seq, kind: $0.kind, payload: $0.payload) })
    }
}

/// The exactly-once rule, as a function of what is already stored.
///
/// A record is identified twice: by its UUID (forever unique at the hub) and by (device, seq) (gap-free per
/// device). A resend of the same bytes is acknowledged; anything else that reuses either identity is refused,
/// and the first stored version stays: the hub never overwrites or duplicates a record.
public enum ExactlyOnce {
    /// A stored record, as far as the decision needs it.
    public struct Stored: Sendable, Equatable {
        public var recordUUID: String
        public var deviceID: String
        public var seq: Int64
        public var sha256: String
        public init(recordUUID: String, deviceID: String, seq: Int64, sha256: String) {
            self.recordUUID = recordUUID; self.deviceID = deviceID; self.seq = seq; self.sha256 = sha256
        }
    }

    public enum Decision: Sendable, Equatable {
        case store
        case duplicate
        case conflict(String)
    }

    /// - Parameters:
    ///   - byUUID: the stored record with the incoming UUID, if any.
    ///   - bySeq: the stored record at the incoming (device, seq), if any.
    public static func decide(_ r: IncomingRecord, byUUID: Stored?, bySeq: Stored?) -> Decision {
        if let s = byUUID {
            if s.deviceID == r.deviceID, s.seq == r.seq, s.sha256 == r.sha256 { return .duplicate }
            if s.deviceID != r.deviceID { return .conflict("record \(r.recordUUID) is already stored for another device") }
            if s.seq != r.seq { return .conflict("record \(r.recordUUID) is already stored with seq \(s.seq), not \(r.seq)") }
            return .conflict("record \(r.recordUUID) is already stored with different content (sha256 \(s.sha256))")
        }
        if let s = bySeq {
            return .conflict("seq \(r.seq) of device \(r.deviceID) already holds record \(s.recordUUID)")
        }
        return .store
    }

    /// Advances the highest contiguous sequence number from `current` while the next number is stored.
    public static func highestContiguous(from current: Int64, isStored: (Int64) throws -> Bool) rethrows -> Int64 {
        var n = current
        while try isStored(n + 1) { n += 1 }
        return n
    }

    /// The HTTP status for an upload: 200 when every record is acknowledged, 409 when any conflicts,
    /// else 422 when any is invalid. The body is the signed receipt in all three cases.
    public static func httpStatus(_ entries: [ReceiptEntry]) -> Int {
        if entries.contains(where: { $0.status == .conflict }) { return 409 }
        if entries.contains(where: { $0.status == .invalid }) { return 422 }
        return 200
    }
}
