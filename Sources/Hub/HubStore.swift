import CacheAssembly
import Foundation

/// What a device may do at the hub.
public enum DeviceRole: String, Sendable, CaseIterable {
    /// An inspection console: uploads records, queries receipts, reads the TUF repository.
    case console
    /// A supply-chain partner system: captures EPCIS documents.
    case capture
}

/// A device (or partner system) the hub knows: created by a token, enrolled with a key, maybe revoked.
public struct DeviceRecord: Sendable, Equatable {
    public enum State: String, Sendable { case pending, active, revoked }
    public var deviceID: String
    public var role: DeviceRole
    /// ISO 3166 region the device works in ("MZ", "MZ-MPM"); "" when not given.
    public var region: String
    /// DER SubjectPublicKeyInfo of its Ed25519 or P-256 key (nil until enrolled).
    public var publicKeySPKI: [UInt8]?
    public var createdAt: Int64
    public var enrolledAt: Int64?
    public var revokedAt: Int64?
    public var revokedReason: String?
    /// The highest n with 1…n all stored.
    public var contiguousSeq: Int64

    public var state: State { revokedAt != nil ? .revoked : (publicKeySPKI == nil ? .pending : .active) }

    public init(deviceID: String, role: DeviceRole, region: String, publicKeySPKI: [UInt8]?, createdAt: Int64, enrolledAt: Int64?,
                revokedAt: Int64?, revokedReason: String?, contiguousSeq: Int64) {
        self.deviceID = deviceID; self.role = role; self.region = region; self.publicKeySPKI = publicKeySPKI
        self.createdAt = createdAt; self.enrolledAt = enrolledAt; self.revokedAt = revokedAt; self.revokedReason = revokedReason
        self.contiguousSeq = contiguousSeq
    }

    /// The device id an enrolment token names (`DEVICE_ID:HEX`), or nil.
    public static func deviceID(inToken token: String) -> String? {
        guard let colon = token.lastIndex(of: ":") else { return nil }
        let id = String(token[..<colon])
        return isValidID(id) ? id : nil
    }

    /// Device ids are used in URL paths and as the signature keyid: 1–64 of A-Z a-z 0-9 . _ -
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        } && id != "." && id != ".."
    }
}

/// One event of a captured EPCIS document, identified for storage.
public struct CapturedEvent: Sendable, Equatable {
    public var index: Int
    public var type: String
    /// The event's eventID, or its CBV 2.0 hash ID when it has none.
    public var eventID: String
    public var hashed: Bool
    /// The CBV 2.0 hash ID of the content: the same eventID with another hash is a conflict.
    public var contentHash: String

    /// What the cache needs from the event in queryable form (columns, per-EPC index, body); stored with it.
    public var summary: EventSummary?

    public init(index: Int, type: String, eventID: String, hashed: Bool, contentHash: String, summary: EventSummary? = nil) {
        self.index = index; self.type = type; self.eventID = eventID; self.hashed = hashed; self.contentHash = contentHash
        self.summary = summary
    }
}

/// What a capture did.
public struct CaptureOutcome: Sendable, Equatable {
    public var captureID: String
    /// True when nothing new was stored: the same document (same bytes) was captured before, or every one of
    /// its events was (the document is then not kept again either).
    public var repeated: Bool
    /// Per event: "stored", or "duplicate" when an identical event was already captured.
    public var events: [(event: CapturedEvent, status: String)]

    public static func == (a: CaptureOutcome, b: CaptureOutcome) -> Bool {
        a.captureID == b.captureID && a.repeated == b.repeated && a.events.map(\.event) == b.events.map(\.event)
            && a.events.map(\.status) == b.events.map(\.status)
    }
}

/// Why a store operation failed. The routes map these to HTTP statuses.
public enum HubStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The one-time token is unknown, used, expired, or for another device (403).
    case tokenRefused(String)
    /// The operation does not fit the device's state (409).
    case conflict(String)
    case notFound(String)
    case invalidArgument(String)
    /// The disk or file-size limit is full: the transaction was rolled back, nothing was stored (503).
    case storageFull(String)
    /// Any other database failure (500); also rolled back.
    case database(String)

    public var description: String {
        switch self {
        case .tokenRefused(let m), .conflict(let m), .notFound(let m), .invalidArgument(let m): return m
        case .storageFull(let m): return "the hub's storage is full (\(m)); nothing was stored. Try again later"
        case .database(let m): return "database error: \(m); nothing was stored"
        }
    }
}

/// The hub's storage. Every method that writes runs one transaction: it commits whole or not at all.
public protocol HubStore: Sendable {
    func device(_ id: String) async throws -> DeviceRecord?
    /// Consumes the one-time token and sets the device's key, atomically.
    func enrol(deviceID: String, tokenHash: [UInt8], publicKeySPKI: [UInt8], now: Int64) async throws -> DeviceRecord
    /// Records a request nonce; false when the device used it before (a replay). Forgets nonces older than `keepFor`.
    func rememberNonce(deviceID: String, nonce: String, created: Int64, now: Int64, keepFor: Int64) async throws -> Bool
    /// Applies the exactly-once rule to each item, stores what is new, and commits the signed receipt with it.
    func upload(deviceID: String, items: [BatchItem], requestSHA256: String, now: Int64, signer: ReceiptSigner) async throws -> (ReceiptBody, [UInt8])
    /// A signed receipt of what is stored for the device from `fromSeq` on (at most `limit` records).
    func status(deviceID: String, fromSeq: Int64, limit: Int, now: Int64, signer: ReceiptSigner) async throws -> (ReceiptBody, [UInt8])
    /// Stores an EPCIS document and its events; throws `.conflict` when an eventID is taken by other content.
    func capture(clientID: String, document: [UInt8], events: [CapturedEvent], now: Int64) async throws -> CaptureOutcome
    /// Reads the database (health check).
    func checkHealth() async throws
}
