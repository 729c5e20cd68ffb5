import Encoding
import StampCodes
import StampCrypto

/// Keys and helpers shared by the StampCodes tests. Keys are generated once per test process.
enum Fixtures {
    static let t2026 = RFC3339.parse("2026-06-01T08:00:00Z")!
    static let now = RFC3339.parse("2026-11-29T12:00:00Z")!
    static let validFrom = RFC3339.parse("2025-01-01T00:00:00Z")!
    static let validTo = RFC3339.parse("2030-01-01T00:00:00Z")!

    static let es256 = try! SigningKey.generate(.es256)
    static let ed25519 = try! SigningKey.generate(.eddsa)
    static let stranger = try! SigningKey.generate(.es256)
    static let dataKey = DataKey(kid: [0xD1, 0xD2, 0xD3, 0xD4], key: SecureRandom.bytes(32), notBefore: validFrom, notAfter: validTo)
    static let otherDataKey = DataKey(kid: [0xEE, 0xEE], key: SecureRandom.bytes(32), notBefore: validFrom, notAfter: validTo)

    static func signer(_ key: SigningKey, revokedAt: Int64? = nil, notBefore: Int64 = validFrom, notAfter: Int64 = validTo) -> SignerKey {
        SignerKey(kid: signingKeyID(key.publicKey), algorithm: key.algorithm, publicKey: key.publicKey,
                  issuer: "Test issuer", notBefore: notBefore, notAfter: notAfter, revokedAt: revokedAt)
    }

    static func keyring(signers: [SignerKey]? = nil, dataKeys: [DataKey]? = nil) -> Keyring {
        try! Keyring(signingKeys: signers ?? [signer(es256), signer(ed25519)], dataKeys: dataKeys ?? [dataKey])
    }

    static func payload(uid: String = "MZ0000000000001", market: String = "MZ-MPM", manufactured: Int64 = t2026,
                        shift: String? = "B", operator op: String? = "EO-MZ-0042") -> StampPayload {
        StampPayload(uid: uid, product: "06001234500017", facility: "FAC-MPT-01", machine: "M07",
                     manufactured: manufactured, shift: shift, market: market, series: "MZ-2026-A", operator: op)
    }

    static func issuer(_ key: SigningKey = es256, dataKey: DataKey = dataKey) -> StampIssuer {
        StampIssuer(signingKey: key, signerKid: signingKeyID(key.publicKey), dataKey: dataKey)
    }

    static func mint(_ p: StampPayload = payload(), key: SigningKey = es256, options: StampIssuer.Options = .init()) -> String {
        try! issuer(key).mint(p, options: options)
    }

    static func verify(_ code: String, keyring: Keyring = keyring(), market: String? = nil, now: Int64 = now) -> VerificationResult {
        StampVerifier(keyring: keyring).verify(code, context: VerificationContext(now: now, market: market.flatMap(Market.init)))
    }

    /// Encodes a hand-built COSE item as a code.
    static func code(_ item: CBOR) -> String { "TS1:" + Base45.encode(item.encoded()) }

    /// Signs an arbitrary Encrypt0 byte string with the ES256 key, so tests can reach the inner layers.
    static func signed(encrypt0: [UInt8], key: SigningKey = es256, protected: [UInt8]? = nil) -> String {
        let prot = protected ?? CBOR.map([CBORPair(.unsigned(1), CBOR(Int64(key.algorithm == .es256 ? -7 : -8))),
                                          CBORPair(.unsigned(4), .bytes(signingKeyID(key.publicKey)))]).encoded()
        var sig: [UInt8] = [0x84]
        CBOR.text("Signature1").encode(into: &sig)
        CBOR.bytes(prot).encode(into: &sig)
        sig.append(0x40)
        CBOR.bytes(encrypt0).encode(into: &sig)
        let signature = try! key.sign(sig)
        return code(.array([.bytes(prot), .map([]), .bytes(encrypt0), .bytes(signature)]))
    }

    /// An Encrypt0 over `plaintext` under `dataKey`.
    static func encrypt0(_ plaintext: [UInt8], dataKey: DataKey = dataKey, alg: UInt64 = 3, iv: [UInt8] = SecureRandom.bytes(12)) -> [UInt8] {
        let prot = CBOR.map([CBORPair(.unsigned(1), .unsigned(alg))]).encoded()
        var aad: [UInt8] = [0x83]
        CBOR.text("Encrypt0").encode(into: &aad)
        CBOR.bytes(prot).encode(into: &aad)
        aad.append(0x40)
        let ct = try! AES256GCM.seal(key: dataKey.key, iv: iv.count == 12 ? iv : SecureRandom.bytes(12), plaintext: plaintext, aad: aad)
        return CBOR.array([.bytes(prot), .map([CBORPair(.unsigned(4), .bytes(dataKey.kid)), CBORPair(.unsigned(5), .bytes(iv))]), .bytes(ct)]).encoded()
    }
}

/// SplitMix64: a tiny seeded generator so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
