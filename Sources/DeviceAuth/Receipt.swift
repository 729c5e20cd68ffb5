import Foundation
import StampCrypto
import StrictJSON

/// What the hub says happened to one uploaded record.
public enum RecordStatus: String, Sendable, Equatable, CaseIterable {
    /// Stored now, by this request.
    case stored
    /// Already stored, byte for byte (a resend): acknowledged, not stored twice.
    case duplicate
    /// Refused: the record UUID or the (device, seq) pair is already taken by different content.
    /// The device keeps the record and flags it.
    case conflict
    /// Refused: the record is not well-formed (see `error`); the device keeps it.
    case invalid

    /// Stored or duplicate: the device may treat the record as delivered.
    public var isAcknowledged: Bool { self == .stored || self == .duplicate }
}

/// One line of a receipt.
public struct ReceiptEntry: Sendable, Equatable {
    /// Lower-case UUID, or the text the device sent when it is not a UUID (status `invalid`).
    public var recordUUID: String
    public var seq: Int64?
    public var status: RecordStatus
    /// Hex SHA-256 of the stored payload bytes (acknowledged records).
    public var sha256: String?
    public var error: String?

    public init(recordUUID: String, seq: Int64?, status: RecordStatus, sha256: String? = nil, error: String? = nil) {
        self.recordUUID = recordUUID; self.seq = seq; self.status = status; self.sha256 = sha256; self.error = error
    }

    var json: JSONValue {
        var o: JSONObject = ["record_uuid": .string(recordUUID), "seq": seq.map(JSONValue.integer) ?? .null, "status": .string(status.rawValue)]
        if let sha256 { _ = o.updateValue(.string(sha256), forKey: "sha256") }
        if let error { _ = o.updateValue(.string(error), forKey: "error") }
        return .object(o)
    }
}

/// The signed content of a receipt: what the hub has committed for one device.
///
/// The wire form is `{"signed": {…}, "signatures": [{"keyid": "…", "sig": "HEX"}]}`, like TUF metadata; the
/// signature is Ed25519 over `StrictJSON.canonicalBytes` of `signed` (OLPC canonical JSON).
public struct ReceiptBody: Sendable, Equatable {
    public enum Kind: String, Sendable { case upload, status }
    public static let type = "stampwatch-receipt"

    public var kind: Kind
    public var receiptID: String
    public var deviceID: String
    public var issuedAt: Int64
    /// Upload: hex SHA-256 of the request body as sent. Status: nil.
    public var requestSHA256: String?
    public var records: [ReceiptEntry]
    /// The highest n such that 1…n are all stored for the device (0: none). A gap stops it.
    public var highestContiguousSeq: Int64
    /// The highest sequence number stored for the device (0: none).
    public var highestSeq: Int64

    public init(kind: Kind, receiptID: String, deviceID: String, issuedAt: Int64, requestSHA256: String?, records: [ReceiptEntry],
                highestContiguousSeq: Int64, highestSeq: Int64) {
        self.kind = kind; self.receiptID = receiptID; self.deviceID = deviceID; self.issuedAt = issuedAt
        self.requestSHA256 = requestSHA256; self.records = records
        self.highestContiguousSeq = highestContiguousSeq; self.highestSeq = highestSeq
    }

    public var json: JSONValue {
        .object([
            "_type": .string(Self.type), "version": 1, "kind": .string(kind.rawValue), "receipt_id": .string(receiptID),
            "device_id": .string(deviceID), "issued_at": .integer(issuedAt),
            "request_sha256": requestSHA256.map(JSONValue.string) ?? .null,
            "records": .array(records.map(\.json)),
            "highest_contiguous_seq": .integer(highestContiguousSeq), "highest_seq": .integer(highestSeq),
        ])
    }

    /// Reads the `signed` object back (the device side; also used to check what the hub sends).
    public init(json v: JSONValue) throws(ReceiptError) {
        guard case .object(let o) = v, o["_type"]?.stringValue == Self.type, o["version"]?.integerValue == 1 else {
            throw ReceiptError("not a stampwatch receipt (version 1)")
        }
        guard let kind = o["kind"]?.stringValue.flatMap(Kind.init(rawValue:)), let id = o["receipt_id"]?.stringValue,
              let dev = o["device_id"]?.stringValue, let at = o["issued_at"]?.integerValue,
              let hc = o["highest_contiguous_seq"]?.integerValue, let hs = o["highest_seq"]?.integerValue,
              case .array(let recs)? = o["records"] else {
            throw ReceiptError("a receipt field is missing or has the wrong type")
        }
        var entries: [ReceiptEntry] = []
        for r in recs {
            guard let u = r["record_uuid"]?.stringValue, let st = r["status"]?.stringValue.flatMap(RecordStatus.init(rawValue:)) else {
                throw ReceiptError("a receipt record lacks record_uuid or status")
            }
            entries.append(ReceiptEntry(recordUUID: u, seq: r["seq"]?.integerValue, status: st, sha256: r["sha256"]?.stringValue,
                                        error: r["error"]?.stringValue))
        }
        self.init(kind: kind, receiptID: id, deviceID: dev, issuedAt: at, requestSHA256: o["request_sha256"]?.stringValue,
                  records: entries, highestContiguousSeq: hc, highestSeq: hs)
    }
}

public struct ReceiptError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The hub's receipt key: signs receipts, and its public half goes into the signed cache so consoles can
/// check receipts offline.
public struct ReceiptSigner: Sendable {
    public let key: SigningKey
    /// Hex SHA-256 of the public key's SubjectPublicKeyInfo DER.
    public let keyID: String

    public init(key: SigningKey) {
        self.key = key
        self.keyID = Hex.encode(SHA256.hash(key.publicKey.spkiDER))
    }

    /// The whole response body: `{"signed": …, "signatures": [{"keyid", "sig"}]}` (compact, keys sorted).
    public func sign(_ body: ReceiptBody) throws -> [UInt8] {
        let signed = body.json
        let sig = try key.sign(try signed.canonicalBytes())
        let envelope: JSONValue = ["signed": signed, "signatures": [["keyid": .string(keyID), "sig": .string(Hex.encode(sig))]]]
        return try envelope.canonicalBytes()
    }

    /// The public key as TUF-style JSON: `{"keyid", "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": HEX}}`.
    public var publicKeyJSON: JSONValue {
        ["keyid": .string(keyID), "keytype": "ed25519", "scheme": "ed25519",
         "keyval": ["public": .string(Hex.encode(key.publicKey.rawPublicKey))]]
    }

    public var publicKeyPEM: String { key.publicKey.spkiPEM }

    /// Loads the PKCS#8 PEM at `path`, or creates an Ed25519 key there (mode 0600) if there is none.
    public static func loadOrCreate(at path: String) throws -> ReceiptSigner {
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else { throw ReceiptError("cannot read the hub key \(path)") }
            let key = try SigningKey(pem: String(decoding: data, as: UTF8.self))
            guard key.algorithm == .eddsa else { throw ReceiptError("the hub key \(path) must be Ed25519") }
            return ReceiptSigner(key: key)
        }
        let key = try SigningKey.generate(.eddsa)
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ReceiptError("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let bytes = Array(key.pkcs8PEM.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(tmp)
            throw ReceiptError("cannot write the hub key \(path)")
        }
        // link() fails if another process created the key meanwhile: then use theirs.
        if link(tmp, path) != 0 {
            unlink(tmp)
            if errno == EEXIST { return try loadOrCreate(at: path) }
            throw ReceiptError("cannot create the hub key \(path): \(String(cString: strerror(errno)))")
        }
        unlink(tmp)
        return ReceiptSigner(key: key)
    }
}

/// Checks a receipt as a console does: the signature against the hub key it trusts, then the content.
public enum ReceiptVerifier {
    public static func verify(_ bytes: [UInt8], hubKey: VerifyingKey) throws(ReceiptError) -> ReceiptBody {
        let envelope: JSONValue
        do { envelope = try JSONParser.parse(bytes) } catch { throw ReceiptError("the receipt is not JSON: \(error)") }
        guard let signed = envelope["signed"], case .array(let sigs)? = envelope["signatures"] else {
            throw ReceiptError("the receipt has no signed part or no signatures")
        }
        let message: [UInt8]
        do { message = try signed.canonicalBytes() } catch { throw ReceiptError("the signed part cannot be canonicalised: \(error)") }
        let keyID = Hex.encode(SHA256.hash(hubKey.spkiDER))
        let ok = sigs.contains { s in
            s["keyid"]?.stringValue == keyID
                && (s["sig"]?.stringValue.flatMap(Hex.decode)).map { hubKey.verify(signature: $0, message: message) } == true
        }
        guard ok else { throw ReceiptError("no signature by the hub key \(keyID) verifies") }
        return try ReceiptBody(json: signed)
    }
}
