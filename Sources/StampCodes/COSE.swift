import Encoding
import StampCrypto

/// The layer of a stamp code that could not be read; it names the malformed reason.
public enum CodeLayer: String, Sendable, CaseIterable {
    case prefix, base45, cbor, cose, payload
}

/// A stamp code that is not readable, with the layer that failed and why.
public struct MalformedCode: Error, Sendable, Equatable, CustomStringConvertible {
    public var layer: CodeLayer
    public var detail: String
    public var description: String { "\(layer.rawValue): \(detail)" }
}

/// COSE algorithm identifiers used by TS1 (RFC 9053).
public enum COSEAlgorithm {
    public static let es256: Int64 = -7
    public static let eddsa: Int64 = -8
    public static let a256gcm: Int64 = 3

    static func signature(_ value: Int64) -> SignatureAlgorithm? {
        switch value {
        case es256: .es256
        case eddsa: .eddsa
        default: nil
        }
    }
    static func identifier(_ alg: SignatureAlgorithm) -> Int64 {
        switch alg {
        case .es256: es256
        case .eddsa: eddsa
        }
    }
}

enum HeaderLabel {
    static let alg: Int64 = 1
    static let crit: Int64 = 2
    static let kid: Int64 = 4
    static let iv: Int64 = 5
}

/// The outer COSE_Sign1 and inner COSE_Encrypt0 of a TS1 code, structurally checked but not yet verified.
public struct StampEnvelope: Sendable, Equatable {
    public var tagged: Bool
    public var algorithm: SignatureAlgorithm
    public var signerKid: [UInt8]
    public var kidInProtectedHeader: Bool
    /// The serialized protected header, exactly as transmitted (it is signed as-is).
    public var protectedHeader: [UInt8]
    /// The COSE_Encrypt0 bytes, exactly as transmitted.
    public var payload: [UInt8]
    public var signature: [UInt8]
    public var encrypted: EncryptedPayload

    /// The COSE_Encrypt0 inside the signed payload.
    public struct EncryptedPayload: Sendable, Equatable {
        public var protectedHeader: [UInt8]
        public var dataKid: [UInt8]
        public var iv: [UInt8]
        public var ciphertext: [UInt8]
    }

    /// The bytes the signature covers: CBOR `["Signature1", protected, h'', payload]`.
    public var signedBytes: [UInt8] { Self.sigStructure(protected: protectedHeader, payload: payload) }

    static func sigStructure(protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(protected.count + payload.count + 24)
        out.append(0x84)
        CBOR.text("Signature1").encode(into: &out)
        CBOR.bytes(protected).encode(into: &out)
        out.append(0x40)
        CBOR.bytes(payload).encode(into: &out)
        return out
    }

    /// The AEAD additional data: CBOR `["Encrypt0", protected, h'']`.
    static func encStructure(protected: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x83]
        CBOR.text("Encrypt0").encode(into: &out)
        CBOR.bytes(protected).encode(into: &out)
        out.append(0x40)
        return out
    }

    public static let prefix: [UInt8] = Array("TS1:".utf8)
    /// No TS1 code is longer; longer input is refused before any decoding.
    public static let maxCodeLength = 4096

    /// Reads the text form down to the COSE structures. Throws `MalformedCode` naming the failing layer.
    public static func parse(code: some Collection<UInt8>) throws(MalformedCode) -> StampEnvelope {
        let bytes = Array(code)
        guard bytes.count <= maxCodeLength else {
            throw MalformedCode(layer: .prefix, detail: "the input has \(bytes.count) bytes, more than any stamp code (\(maxCodeLength)); were several codes run together?")
        }
        guard bytes.count >= prefix.count, Array(bytes[0..<prefix.count]) == prefix else {
            let lowered = Array(String(decoding: bytes.prefix(4), as: UTF8.self).uppercased().utf8)
            if lowered == prefix {
                throw MalformedCode(layer: .prefix, detail: "the code starts with \"\(String(decoding: bytes.prefix(4), as: UTF8.self))\"; stamp codes start with upper-case \"TS1:\" (check Caps Lock or the scanner's keyboard layout)")
            }
            throw MalformedCode(layer: .prefix, detail: "a stamp code starts with \"TS1:\"; this input does not (was the whole code scanned?)")
        }
        let raw: [UInt8]
        do {
            raw = try Base45.decode(ascii: bytes[prefix.count...])
        } catch {
            throw MalformedCode(layer: .base45, detail: "\(error)")
        }
        let cbor: CBOR
        do {
            cbor = try CBOR.decode(raw)
        } catch {
            throw MalformedCode(layer: .cbor, detail: "\(error)")
        }
        return try parse(sign1: cbor)
    }

    static func cose(_ detail: String) -> MalformedCode { MalformedCode(layer: .cose, detail: detail) }

    static func parse(sign1 item: CBOR) throws(MalformedCode) -> StampEnvelope {
        var tagged = false
        var body = item
        if case .tagged(let tag, let inner) = item {
            guard tag == 18 else { throw cose("tag \(tag) is not COSE_Sign1 (18)") }
            tagged = true
            body = inner
        }
        guard case .array(let parts) = body else { throw cose("COSE_Sign1 must be an array, found \(kindName(body))") }
        guard parts.count == 4 else { throw cose("COSE_Sign1 must have 4 elements, found \(parts.count)") }
        guard case .bytes(let protectedBytes) = parts[0] else { throw cose("the protected header must be a byte string") }
        guard case .map(let unprotected) = parts[1] else { throw cose("the unprotected header must be a map") }
        guard case .bytes(let payload) = parts[2] else { throw cose("the payload must be a byte string (detached payloads are not used)") }
        guard case .bytes(let signature) = parts[3] else { throw cose("the signature must be a byte string") }
        let protected = try headerMap(protectedBytes, what: "COSE_Sign1 protected header")
        try checkHeader(unprotected, what: "COSE_Sign1 unprotected header")
        guard let algItem = value(protected, HeaderLabel.alg) else {
            throw cose("the protected header has no algorithm (label 1)")
        }
        guard let algValue = algItem.int64, let alg = COSEAlgorithm.signature(algValue) else {
            throw cose("unsupported signature algorithm \(algItem) (TS1 uses -7 ES256 or -8 EdDSA)")
        }
        if value(unprotected, HeaderLabel.alg) != nil {
            throw cose("the algorithm must be in the protected header only")
        }
        var kid: [UInt8]
        var kidProtected = true
        if let k = value(protected, HeaderLabel.kid) {
            guard case .bytes(let b) = k else { throw cose("the signer key id (label 4) must be a byte string") }
            kid = b
        } else if let k = value(unprotected, HeaderLabel.kid) {
            guard case .bytes(let b) = k else { throw cose("the signer key id (label 4) must be a byte string") }
            kid = b
            kidProtected = false
        } else {
            throw cose("no signer key id (label 4) in either header")
        }
        guard !kid.isEmpty else { throw cose("the signer key id is empty") }
        let encrypted = try parseEncrypt0(payload)
        return StampEnvelope(tagged: tagged, algorithm: alg, signerKid: kid, kidInProtectedHeader: kidProtected,
                             protectedHeader: protectedBytes, payload: payload, signature: signature,
                             encrypted: encrypted)
    }

    static func parseEncrypt0(_ bytes: [UInt8]) throws(MalformedCode) -> EncryptedPayload {
        let item: CBOR
        do {
            item = try CBOR.decode(bytes)
        } catch {
            throw cose("the signed payload is not a CBOR COSE_Encrypt0: \(error)")
        }
        var body = item
        if case .tagged(let tag, let inner) = item {
            guard tag == 16 else { throw cose("tag \(tag) is not COSE_Encrypt0 (16)") }
            body = inner
        }
        guard case .array(let parts) = body else { throw cose("COSE_Encrypt0 must be an array, found \(kindName(body))") }
        guard parts.count == 3 else { throw cose("COSE_Encrypt0 must have 3 elements, found \(parts.count)") }
        guard case .bytes(let protectedBytes) = parts[0] else { throw cose("the COSE_Encrypt0 protected header must be a byte string") }
        guard case .map(let unprotected) = parts[1] else { throw cose("the COSE_Encrypt0 unprotected header must be a map") }
        guard case .bytes(let ciphertext) = parts[2] else { throw cose("the COSE_Encrypt0 ciphertext must be a byte string") }
        let protected = try headerMap(protectedBytes, what: "COSE_Encrypt0 protected header")
        try checkHeader(unprotected, what: "COSE_Encrypt0 unprotected header")
        guard let alg = value(protected, HeaderLabel.alg) else {
            throw cose("the COSE_Encrypt0 protected header has no algorithm (label 1)")
        }
        guard alg.int64 == COSEAlgorithm.a256gcm else {
            throw cose("unsupported content encryption algorithm \(alg) (TS1 uses 3, A256GCM)")
        }
        guard let kidItem = value(unprotected, HeaderLabel.kid) ?? value(protected, HeaderLabel.kid) else {
            throw cose("the COSE_Encrypt0 header has no data key id (label 4)")
        }
        guard case .bytes(let kid) = kidItem, !kid.isEmpty else { throw cose("the data key id (label 4) must be a non-empty byte string") }
        guard let ivItem = value(unprotected, HeaderLabel.iv) ?? value(protected, HeaderLabel.iv) else {
            throw cose("the COSE_Encrypt0 header has no IV (label 5)")
        }
        guard case .bytes(let iv) = ivItem, iv.count == 12 else { throw cose("the IV (label 5) must be a 12-byte string") }
        guard ciphertext.count >= 16 else {
            throw cose("the ciphertext has \(ciphertext.count) bytes, shorter than the 16-byte GCM tag")
        }
        return EncryptedPayload(protectedHeader: protectedBytes, dataKid: kid, iv: iv, ciphertext: ciphertext)
    }

    static func headerMap(_ bytes: [UInt8], what: String) throws(MalformedCode) -> [CBORPair] {
        if bytes.isEmpty { return [] }
        let item: CBOR
        do {
            item = try CBOR.decode(bytes)
        } catch {
            throw cose("the \(what) is not valid CBOR: \(error)")
        }
        guard case .map(let pairs) = item else { throw cose("the \(what) must encode a map") }
        try checkHeader(pairs, what: what)
        return pairs
    }

    /// Duplicate labels are ambiguous and critical headers are not understood: both are refused (RFC 9052 §3).
    static func checkHeader(_ pairs: [CBORPair], what: String) throws(MalformedCode) {
        for i in pairs.indices {
            for j in pairs.indices where j > i && pairs[j].key == pairs[i].key {
                throw cose("the \(what) repeats label \(pairs[i].key)")
            }
        }
        if value(pairs, HeaderLabel.crit) != nil {
            throw cose("the \(what) lists critical headers (label 2), which TS1 version 1 does not define")
        }
    }

    static func value(_ pairs: [CBORPair], _ label: Int64) -> CBOR? {
        for p in pairs where p.key.int64 == label { return p.value }
        return nil
    }
}
