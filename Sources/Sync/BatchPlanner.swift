import DeviceAuth
import FieldStore
import Foundation
import StampCrypto

/// How big one upload may be. Small batches suit slow links: a dropped connection loses (and resends) less.
public struct BatchLimits: Sendable, Equatable {
    /// Most records per batch (the hub takes at most 1000).
    public var maxRecords: Int
    /// Most bytes of the JSON body before compression (a single larger record still goes, alone).
    public var maxBytes: Int
    /// gzip the body (`Content-Encoding: gzip`; the hub decodes it) when that makes it smaller.
    public var compress: Bool

    public static let hubMaxRecords = 1000

    public init(maxRecords: Int = 200, maxBytes: Int = 64 << 10, compress: Bool = true) {
        self.maxRecords = min(max(1, maxRecords), Self.hubMaxRecords)
        self.maxBytes = max(1, maxBytes)
        self.compress = compress
    }
}

/// One batch ready to send: its records and the body exactly as it goes on the wire.
public struct PlannedBatch: Sendable, Equatable {
    public var entries: [OutboxEntry]
    /// The JSON body's size before compression.
    public var jsonBytes: Int
    /// The body as sent (gzip when `gzip`).
    public var body: [UInt8]
    public var gzip: Bool
    /// Hex SHA-256 of `body`: an upload receipt names it as `request_sha256`.
    public var bodySHA256: String
    /// Sum of the stored payload sizes.
    public var payloadBytes: Int
}

/// Batch planning as pure functions of the pending outbox rows.
public enum BatchPlanner {
    /// Splits `entries` (in the order given: oldest sequence first) into batches within `limits`.
    public static func split(_ entries: [OutboxEntry], limits: BatchLimits) -> [[OutboxEntry]] {
        var out: [[OutboxEntry]] = []
        var rest = entries[...]
        while !rest.isEmpty {
            let n = firstBatchCount(rest, limits: limits)
            out.append(Array(rest.prefix(n)))
            rest = rest.dropFirst(n)
        }
        return out
    }

    /// How many of the leading entries fit in one batch (at least one).
    public static func firstBatchCount(_ entries: ArraySlice<OutboxEntry>, limits: BatchLimits) -> Int {
        var count = 0, bytes = UploadBody.envelopeSize(count: 0)
        for e in entries {
            guard count < limits.maxRecords else { break }
            let add = itemSize(e) + (count > 0 ? 1 : 0)
            if count > 0, bytes + add > limits.maxBytes { break }
            bytes += add
            count += 1
        }
        return max(count, entries.isEmpty ? 0 : 1)
    }

    /// The encoded size of one record in a batch body.
    public static func itemSize(_ e: OutboxEntry) -> Int {
        UploadBody.itemSize(uuidBytes: 36, seq: e.seq, kindBytes: e.kind.utf8.count, payloadBytes: e.payload.count)
    }

    /// The first batch of `entries`, encoded (and compressed when it helps).
    public static func plan(_ entries: [OutboxEntry], limits: BatchLimits) -> PlannedBatch? {
        let n = firstBatchCount(entries[...], limits: limits)
        guard n > 0 else { return nil }
        return encode(Array(entries.prefix(n)), compress: limits.compress)
    }

    public static func encode(_ entries: [OutboxEntry], compress: Bool) -> PlannedBatch {
        let json = UploadBody.encode(entries.map {
            UploadBody.Record(recordUUID: $0.recordUUID.uuidString.lowercased(), seq: $0.seq, kind: $0.kind, payload: $0.payload)
        })
        var body = json, gzip = false
        if compress, json.count > 200 {
            let packed = Gzip.compress(json)
            if packed.count < json.count { body = packed; gzip = true }
        }
        return PlannedBatch(entries: entries, jsonBytes: json.count, body: body, gzip: gzip,
                            bodySHA256: Hex.encode(SHA256.hash(body)), payloadBytes: entries.reduce(0) { $0 + $1.payload.count })
    }
}
