import Foundation
import StrictJSON

/// The body of `POST /v1/devices/{id}/records` as a device writes it:
/// `{"records": [{"kind": "inspection", "payload": "BASE64", "record_uuid": "…", "seq": 1}]}` (keys sorted).
///
/// The payload travels as base64 of the exact bytes the device recorded, so the hub can store them byte for byte.
/// The hub's parser is `UploadBatch.parse` (module Hub); this is the one encoder both sides use.
public enum UploadBody {
    public struct Record: Sendable, Equatable {
        public var recordUUID: String
        public var seq: Int64
        public var kind: String
        public var payload: [UInt8]
        public init(recordUUID: String, seq: Int64, kind: String, payload: [UInt8]) {
            self.recordUUID = recordUUID; self.seq = seq; self.kind = kind; self.payload = payload
        }
    }

    public static func encode(_ records: [Record]) -> [UInt8] {
        let items: [JSONValue] = records.map {
            ["record_uuid": .string($0.recordUUID), "seq": .integer($0.seq), "kind": .string($0.kind),
             "payload": .string(Data($0.payload).base64EncodedString())]
        }
        return JSONValue.object(["records": .array(items)]).serializedBytes(sortedKeys: true)
    }

    /// The encoded size of one record's item, without encoding it: lets a planner fill a batch up to a byte budget.
    /// Exact for the form `encode` writes (base64 length, decimal seq, JSON-escaped strings without escapes).
    public static func itemSize(uuidBytes: Int, seq: Int64, kindBytes: Int, payloadBytes: Int) -> Int {
        let base64 = (payloadBytes + 2) / 3 * 4
        let digits = String(seq).utf8.count
        // {"kind":"K","payload":"P","record_uuid":"U","seq":N}: 48 bytes of punctuation and key names.
        return 48 + kindBytes + base64 + uuidBytes + digits
    }

    /// Bytes of the envelope around the items: `{"records":[` … `]}` plus the commas between `count` items.
    public static func envelopeSize(count: Int) -> Int { 14 + max(0, count - 1) }
}
