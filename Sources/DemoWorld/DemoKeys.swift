import Encoding
import Foundation
import StampCodes
import StampCrypto
import StrictJSON

/// The demo world's keys, all derived from the seed, and a minter that is deterministic too.
///
/// DEMO ONLY. Real issuance must use keys generated at random inside the issuer's HSM and a random
/// AES-GCM IV per code (`StampIssuer`). Here everything is a function of the seed so that a world can
/// be rebuilt byte for byte from its recipe: signing keys are Ed25519 (whose signatures are
/// deterministic, RFC 8032) seeded with HKDF-SHA-256 output, and each code's IV is derived from a
/// seed-derived IV key and the plaintext (a synthetic IV: two different payloads never share an IV
/// under one data key, which is the property GCM needs).
public struct DemoKeys: Sendable {
    /// What every key's `issuer` field says, so no one mistakes a demo keyring for a real one.
    public static let issuerLabel = "DEMO KEYS NOT FOR ENFORCEMENT"

    public struct Signer: Sendable {
        public let key: SigningKey
        public let kid: [UInt8]
        /// `authority-1`, `authority-2`, `counterfeiter`.
        public let role: String
    }

    /// The authority's current signing key.
    public let primary: Signer
    /// The authority's second key (the import stamps' printing works), revoked at `revokedAt`
    /// after its HSM was compromised.
    public let compromised: Signer
    /// A key the authority never issued (a counterfeiter's).
    public let counterfeiter: Signer
    public let dataKey: DataKey
    /// The keyring consoles receive (both authority keys and the data key; never the counterfeiter's).
    public let keyring: Keyring
    let ivKey: [UInt8]

    /// Key validity and the compromise date (fixed: the world's timeline is fixed too).
    public static let notBefore = DemoTime.utcTime(2026, 1, 1)
    public static let notAfter = DemoTime.utcTime(2027, 12, 31, 23, 59, 59)
    public static let revokedAt = DemoTime.utcTime(2026, 9, 15)

    public init(seed: UInt64) throws(CryptoError) {
        var ikm: [UInt8] = []
        for i in (0..<8).reversed() { ikm.append(UInt8(truncatingIfNeeded: seed >> (UInt64(i) * 8))) }
        let salt = Array("stampwatch demo world v1".utf8)
        func derive(_ info: String, _ length: Int = 32) throws(CryptoError) -> [UInt8] {
            try HKDF.sha256(ikm: ikm, salt: salt, info: Array(info.utf8), length: length)
        }
        func signer(_ info: String, role: String) throws(CryptoError) -> Signer {
            let key = try SigningKey(ed25519Seed: try derive(info))
            return Signer(key: key, kid: signingKeyID(key.publicKey), role: role)
        }
        primary = try signer("stampwatch demo signing key 1", role: "authority-1")
        compromised = try signer("stampwatch demo signing key 2", role: "authority-2")
        counterfeiter = try signer("stampwatch demo counterfeiter key", role: "counterfeiter")
        dataKey = DataKey(kid: try derive("stampwatch demo data key id 1", 8), key: try derive("stampwatch demo data key 1"),
                          notBefore: Self.notBefore, notAfter: Self.notAfter)
        ivKey = try derive("stampwatch demo iv key")
        let label = { (what: String) in "\(Self.issuerLabel): demo tax authority MZ, \(what), world seed \(seed)" }
        do {
            keyring = try Keyring(
                signingKeys: [
                    SignerKey(kid: primary.kid, algorithm: .eddsa, publicKey: primary.key.publicKey, issuer: label("signing key 1"),
                              notBefore: Self.notBefore, notAfter: Self.notAfter),
                    SignerKey(kid: compromised.kid, algorithm: .eddsa, publicKey: compromised.key.publicKey,
                              issuer: label("signing key 2 (import stamps; revoked after its HSM was compromised)"),
                              notBefore: Self.notBefore, notAfter: Self.notAfter, revokedAt: Self.revokedAt),
                ],
                dataKeys: [dataKey])
        } catch {
            throw CryptoError("demo keyring: \(error)")
        }
    }

    /// The keyring file (docs/stamp-code.md), pretty-printed.
    public var keyringJSON: String { keyring.jsonValue().serialized(pretty: true) + "\n" }

    /// Which authority key signs a pack: the import stamps' key until it was revoked, else the primary.
    func signer(forImport isImport: Bool, manufactured: Int64) -> Signer {
        isImport && manufactured < Self.revokedAt ? compromised : primary
    }
}

/// Builds TS1 codes exactly as docs/stamp-code.md describes, with a derived IV (see `DemoKeys`).
/// Written out here rather than through `StampIssuer`, which draws a random IV; the verifier is the
/// judge that both agree (the tests verify every sample with `StampVerifier`).
struct DemoMinter: Sendable {
    let keys: DemoKeys

    /// A genuine-format code signed by `signer`; `headerKid` is the kid written in the protected header
    /// (a counterfeiter may write the authority's kid over their own signature).
    func mint(_ payload: StampPayload, signer: DemoKeys.Signer, headerKid: [UInt8]? = nil) throws(CryptoError) -> String {
        let encrypt0 = try encrypt(payload.cbor().encoded())
        return try sign(encrypt0: encrypt0, signer: signer, headerKid: headerKid ?? signer.kid)
    }

    /// COSE_Encrypt0 bytes of a plaintext under the demo data key.
    func encrypt(_ plaintext: [UInt8]) throws(CryptoError) -> [UInt8] {
        let protected = CBOR.map([CBORPair(.unsigned(1), .unsigned(3))]).encoded()
        let iv = Array(SHA256.hash(keys.ivKey + keys.dataKey.kid + plaintext).prefix(AES256GCM.ivByteCount))
        let aad = CBOR.array([.text("Encrypt0"), .bytes(protected), .bytes([])]).encoded()
        let ciphertext = try AES256GCM.seal(key: keys.dataKey.key, iv: iv, plaintext: plaintext, aad: aad)
        return CBOR.array([
            .bytes(protected),
            .map([CBORPair(.unsigned(4), .bytes(keys.dataKey.kid)), CBORPair(.unsigned(5), .bytes(iv))]),
            .bytes(ciphertext),
        ]).encoded()
    }

    func sign(encrypt0: [UInt8], signer: DemoKeys.Signer, headerKid: [UInt8]) throws(CryptoError) -> String {
        let protected = CBOR.map([CBORPair(.unsigned(1), CBOR(COSEAlgorithm.eddsa)), CBORPair(.unsigned(4), .bytes(headerKid))]).encoded()
        let signature = try signer.key.sign(Self.sigStructure(protected: protected, payload: encrypt0))
        return Self.text(protected: protected, encrypt0: encrypt0, signature: signature)
    }

    /// A genuine code's signature re-attached to a different payload: what a forger with a stolen
    /// field device (which holds the data key) can make. The signature no longer matches.
    func forge(genuine code: String, payload: StampPayload) throws -> String {
        let envelope = try StampEnvelope.parse(code: Array(code.utf8))
        let encrypt0 = try encrypt(payload.cbor().encoded())
        return Self.text(protected: envelope.protectedHeader, encrypt0: encrypt0, signature: envelope.signature)
    }

    static func sigStructure(protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protected), .bytes([]), .bytes(payload)]).encoded()
    }

    static func text(protected: [UInt8], encrypt0: [UInt8], signature: [UInt8]) -> String {
        "TS1:" + Base45.encode(CBOR.array([.bytes(protected), .map([]), .bytes(encrypt0), .bytes(signature)]).encoded())
    }
}
