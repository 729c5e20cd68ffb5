import DeviceAuth
import FieldStore
import Foundation
import StampCrypto

/// What a verified receipt means for the records the device asked about.
public struct ReceiptOutcome: Sendable, Equatable {
    public var receiptID: String
    /// Named by the receipt as stored or duplicate, with the device's own sequence number and SHA-256: delivered.
    public var acknowledged: [UUID]
    /// Named as conflict or invalid, or as stored with other content: kept on the device, flagged, with the reason.
    public var refused: [Refusal]
    /// Sent (or asked about) but not named: still pending.
    public var unanswered: [UUID]
    public var highestContiguousSeq: Int64
    /// The receipt as received, kept as evidence.
    public var raw: [UInt8]

    public struct Refusal: Sendable, Equatable {
        public var recordUUID: UUID
        public var reason: String
    }
}

/// Why a receipt was not accepted: nothing it says is used.
public struct ReceiptRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Receipt verification as a pure function: the signature against the hub key from the signed cache, then that the
/// receipt is about this device and this request, then each record against what the device holds.
///
/// Only a record named with the device's own UUID, sequence number and payload SHA-256 is acknowledged: a receipt
/// for other bytes acknowledges nothing.
public enum ReceiptCheck {
    public enum Expectation: Sendable, Equatable {
        /// An upload's answer: must be kind `upload` and name the SHA-256 of the body as sent.
        case upload(requestSHA256: String)
        /// A receipt query's answer: kind `status`.
        case status
    }

    public static func check(_ bytes: [UInt8], hubKey: VerifyingKey, deviceID: String, expecting: Expectation,
                             entries: [OutboxEntry]) throws(ReceiptRejection) -> ReceiptOutcome {
        let body: ReceiptBody
        do { body = try ReceiptVerifier.verify(bytes, hubKey: hubKey) } catch {
            throw ReceiptRejection("the hub's receipt does not verify with the hub key from the signed cache (\(error)); "
                                   + "nothing was marked delivered. If this persists, the answer is being altered on the way")
        }
        guard body.deviceID == deviceID else {
            throw ReceiptRejection("the receipt is for device \(body.deviceID), not \(deviceID); nothing was marked delivered")
        }
        switch expecting {
        case .upload(let sha):
            guard body.kind == .upload, body.requestSHA256 == sha else {
                throw ReceiptRejection("the receipt is not the answer to this upload (it names another request); nothing was marked delivered")
            }
        case .status:
            guard body.kind == .status else { throw ReceiptRejection("expected a status receipt, got an \(body.kind.rawValue) receipt") }
        }
        var byUUID: [String: ReceiptEntry] = [:]
        for r in body.records where byUUID[r.recordUUID] == nil { byUUID[r.recordUUID] = r }
        var outcome = ReceiptOutcome(receiptID: body.receiptID, acknowledged: [], refused: [], unanswered: [],
                                     highestContiguousSeq: body.highestContiguousSeq, raw: bytes)
        for e in entries {
            let id = e.recordUUID.uuidString.lowercased()
            guard let r = byUUID[id] else { outcome.unanswered.append(e.recordUUID); continue }
            let localSHA = Hex.encode(SHA256.hash(e.payload))
            switch r.status {
            case .stored, .duplicate:
                if r.seq == e.seq, r.sha256 == localSHA {
                    outcome.acknowledged.append(e.recordUUID)
                } else {
                    outcome.refused.append(.init(recordUUID: e.recordUUID, reason:
                        "the hub holds other content for this record (seq \(r.seq.map(String.init) ?? "?"), sha256 \(r.sha256 ?? "?"); "
                        + "this device has seq \(e.seq), sha256 \(localSHA))"))
                }
            case .conflict, .invalid:
                outcome.refused.append(.init(recordUUID: e.recordUUID, reason: "the hub refused it (\(r.status.rawValue)): " + (r.error ?? "no reason given")))
            }
        }
        return outcome
    }
}
