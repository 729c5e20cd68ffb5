import DeviceAuth
import Foundation
import Hub
import StampCrypto
import StrictJSON
import Sync

/// A deterministic double of the hub for fast engine tests: the hub's own pure rules (`UploadBatch.parse`,
/// `ExactlyOnce.decide`, `ReceiptSigner`) over an in-memory table, with scripted faults. No signatures are checked
/// (the real-hub tests do that); everything about records and receipts behaves as the hub does.
final class InMemoryHub: UploadTransport, @unchecked Sendable {
    enum Fault: Equatable {
        /// The link is down: nothing reaches the hub.
        case cannotConnect
        /// The hub commits, then the answer is lost.
        case dropAfterCommit
        /// The hub answers with this status and Retry-After, storing nothing.
        case status(Int, retryAfter: String?)
        /// The answer carries a receipt signed by another key.
        case forgeReceipt
        /// The receipt leaves the first record out.
        case omitFirst
    }

    struct Stored: Equatable {
        var uuid: String
        var seq: Int64
        var payload: [UInt8]
    }

    let signer: ReceiptSigner
    let deviceID: String
    private let lock = NSLock()
    private(set) var records: [String: Stored] = [:]
    private(set) var requests: [SyncRequest] = []
    var faults: [Fault] = []
    var revoked = false
    var now: Int64 = 1_767_225_600

    init(deviceID: String) {
        self.deviceID = deviceID
        signer = ReceiptSigner(key: try! SigningKey.generate(.eddsa))
    }

    var hubKey: VerifyingKey { signer.key.publicKey }
    var stored: [Stored] { lock.lock(); defer { lock.unlock() }; return records.values.sorted { $0.seq < $1.seq } }
    var sentRequests: [SyncRequest] { lock.lock(); defer { lock.unlock() }; return requests }

    /// Plants a record as if another upload had stored it (for conflicts).
    func plant(uuid: String, seq: Int64, payload: [UInt8]) {
        lock.lock(); records[uuid] = Stored(uuid: uuid, seq: seq, payload: payload); lock.unlock()
    }

    func send(_ request: SyncRequest) throws(TransportFailure) -> SyncResponse {
        lock.lock()
        defer { lock.unlock() }
        requests.append(request)
        let fault = faults.isEmpty ? nil : faults.removeFirst()
        if fault == .cannotConnect { throw TransportFailure(.cannotConnect, "cannot reach the hub (in-memory double: link down)") }
        if case .status(let code, let retry)? = fault {
            var h: [String: String] = ["content-type": "application/problem+json"]
            if let retry { h["retry-after"] = retry }
            return SyncResponse(status: code, headers: h, body: Array("{\"detail\":\"scripted \(code)\"}".utf8))
        }
        if revoked {
            return SyncResponse(status: 403, body: Array("{\"type\":\"urn:stampwatch:problem:revoked\",\"detail\":\"device \(deviceID) was revoked (lost)\"}".utf8))
        }
        var (status, body) = handle(request)
        switch fault {
        case .dropAfterCommit?: throw TransportFailure(.interrupted, "the connection dropped (in-memory double)")
        case .forgeReceipt?:
            let forger = ReceiptSigner(key: try! SigningKey.generate(.eddsa))
            let signed = try! ReceiptBody(json: (try! JSONParser.parse(body))["signed"]!)
            body = try! forger.sign(signed)
        case .omitFirst?:
            var signed = try! ReceiptBody(json: (try! JSONParser.parse(body))["signed"]!)
            signed.records.removeFirst()
            body = try! signer.sign(signed)
        default: break
        }
        return SyncResponse(status: status, headers: ["content-type": "application/json"], body: body)
    }

    private func handle(_ request: SyncRequest) -> (Int, [UInt8]) {
        let upload = "/v1/devices/\(deviceID)/records", receipt = "/v1/devices/\(deviceID)/receipt"
        if request.method == "POST", request.path == upload {
            let raw = request.body
            let json = request.contentEncoding == "gzip" ? try! Gzip.decompress(raw, limit: 64 << 20) : raw
            let items = try! UploadBatch.parse(json, deviceID: deviceID)
            var entries: [ReceiptEntry] = []
            for item in items {
                switch item {
                case .invalid(let e): entries.append(e)
                case .record(let r):
                    let byUUID = records[r.recordUUID].map {
                        ExactlyOnce.Stored(recordUUID: $0.uuid, deviceID: deviceID, seq: $0.seq, sha256: Hex.encode(SHA256.hash($0.payload)))
                    }
                    let bySeq = records.values.first { $0.seq == r.seq }.map {
                        ExactlyOnce.Stored(recordUUID: $0.uuid, deviceID: deviceID, seq: $0.seq, sha256: Hex.encode(SHA256.hash($0.payload)))
                    }
                    switch ExactlyOnce.decide(r, byUUID: byUUID, bySeq: bySeq) {
                    case .store:
                        records[r.recordUUID] = Stored(uuid: r.recordUUID, seq: r.seq, payload: r.payload)
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .stored, sha256: r.sha256))
                    case .duplicate:
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .duplicate, sha256: r.sha256))
                    case .conflict(let why):
                        entries.append(ReceiptEntry(recordUUID: r.recordUUID, seq: r.seq, status: .conflict, error: why))
                    }
                }
            }
            let body = ReceiptBody(kind: .upload, receiptID: UUID().uuidString.lowercased(), deviceID: deviceID, issuedAt: now,
                                   requestSHA256: Hex.encode(SHA256.hash(raw)), records: entries,
                                   highestContiguousSeq: contiguous(), highestSeq: records.values.map(\.seq).max() ?? 0)
            return (ExactlyOnce.httpStatus(entries), try! signer.sign(body))
        }
        if request.method == "GET", request.path == receipt {
            var from: Int64 = 1, limit = 1000
            for pair in (request.query ?? "").split(separator: "&") {
                let kv = pair.split(separator: "=")
                if kv.count == 2, kv[0] == "from_seq" { from = Int64(kv[1])! }
                if kv.count == 2, kv[0] == "limit" { limit = Int(kv[1])! }
            }
            let entries = records.values.filter { $0.seq >= from }.sorted { $0.seq < $1.seq }.prefix(limit).map {
                ReceiptEntry(recordUUID: $0.uuid, seq: $0.seq, status: .stored, sha256: Hex.encode(SHA256.hash($0.payload)))
            }
            let body = ReceiptBody(kind: .status, receiptID: UUID().uuidString.lowercased(), deviceID: deviceID, issuedAt: now,
                                   requestSHA256: nil, records: Array(entries), highestContiguousSeq: contiguous(),
                                   highestSeq: records.values.map(\.seq).max() ?? 0)
            return (200, try! signer.sign(body))
        }
        return (404, Array("{\"detail\":\"no route\"}".utf8))
    }

    private func contiguous() -> Int64 {
        let seqs = Set(records.values.map(\.seq))
        var n: Int64 = 0
        while seqs.contains(n + 1) { n += 1 }
        return n
    }
}
