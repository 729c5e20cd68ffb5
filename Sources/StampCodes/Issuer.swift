import Encoding
import StampCrypto

/// Mints TS1 codes: encrypts the payload under a data key, then signs it with a signing key.
public struct StampIssuer: Sendable {
    public var signingKey: SigningKey
    public var signerKid: [UInt8]
    public var dataKey: DataKey

    /// Variations the format allows, so tests can prove the verifier accepts all of them.
    public struct Options: Sendable {
        public var tagged: Bool = false
        public var kidInProtectedHeader: Bool = true
        /// Unknown plaintext keys to add (readers must ignore them).
        public var extraPayload: [CBORPair] = []
        public init(tagged: Bool = false, kidInProtectedHeader: Bool = true, extraPayload: [CBORPair] = []) {
            self.tagged = tagged
            self.kidInProtectedHeader = kidInProtectedHeader
            self.extraPayload = extraPayload
        }
    }

    public init(signingKey: SigningKey, signerKid: [UInt8], dataKey: DataKey) {
        self.signingKey = signingKey
        self.signerKid = signerKid
        self.dataKey = dataKey
    }

    public func mint(_ payload: StampPayload, options: Options = .init()) throws(CryptoError) -> String {
        mintText(cbor: try mintCBOR(plaintext: payload.cbor(extra: options.extraPayload).encoded(), options: options))
    }

    /// Builds the COSE_Sign1 for an arbitrary plaintext (tests use this to craft malformed payloads).
    public func mintCBOR(plaintext: [UInt8], options: Options = .init()) throws(CryptoError) -> CBOR {
        let encProtected = CBOR.map([CBORPair(.unsigned(1), .unsigned(3))]).encoded()
        let iv = SecureRandom.bytes(12)
        let ciphertext = try AES256GCM.seal(key: dataKey.key, iv: iv, plaintext: plaintext,
                                            aad: StampEnvelope.encStructure(protected: encProtected))
        let encrypt0 = CBOR.array([
            .bytes(encProtected),
            .map([CBORPair(.unsigned(4), .bytes(dataKey.kid)), CBORPair(.unsigned(5), .bytes(iv))]),
            .bytes(ciphertext),
        ]).encoded()
        var protectedPairs = [CBORPair(.unsigned(1), CBOR(COSEAlgorithm.identifier(signingKey.algorithm)))]
        var unprotectedPairs: [CBORPair] = []
        if options.kidInProtectedHeader {
            protectedPairs.append(CBORPair(.unsigned(4), .bytes(signerKid)))
        } else {
            unprotectedPairs.append(CBORPair(.unsigned(4), .bytes(signerKid)))
        }
        let protected = CBOR.map(protectedPairs).encoded()
        let signature = try signingKey.sign(StampEnvelope.sigStructure(protected: protected, payload: encrypt0))
        let sign1 = CBOR.array([.bytes(protected), .map(unprotectedPairs), .bytes(encrypt0), .bytes(signature)])
        return options.tagged ? .tagged(18, sign1) : sign1
    }

    /// The text form of a COSE_Sign1: `TS1:` + Base45(CBOR).
    public func mintText(cbor: CBOR) -> String { "TS1:" + Base45.encode(cbor.encoded()) }
}

/// The key id TS1 uses for a signing key: the first 8 bytes of SHA-256 over its SubjectPublicKeyInfo.
public func signingKeyID(_ key: VerifyingKey) -> [UInt8] {
    Array(SHA256.hash(key.spkiDER).prefix(8))
}
