import COpenSSL

public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    /// ECDSA on P-256 over SHA-256; signatures are raw r||s (64 bytes, COSE/JOSE form).
    case es256 = "ES256"
    /// Pure Ed25519 (RFC 8032); 64-byte signatures.
    case eddsa = "EdDSA"
}

// MARK: - VerifyingKey

/// A parsed public key. Parse once and reuse: the key holds its EVP_PKEY and a
/// small pool of pre-initialised OpenSSL contexts, so `verify` does no
/// parsing, no provider fetches and no allocations beyond OpenSSL's own.
/// Immutable and safe to use from any number of threads at once.
public final class VerifyingKey: @unchecked Sendable {
    public enum Kind: Sendable, Equatable {
        case p256
        case ed25519
        case rsa(bits: Int)
    }

    public let kind: Kind
    /// DER SubjectPublicKeyInfo. P-256 keys are always encoded with the
    /// uncompressed point, whatever form they were loaded from.
    public let spkiDER: [UInt8]
    /// Ed25519: 32 bytes; P-256: 65-byte uncompressed SEC1 point; RSA: SPKI DER.
    public let rawPublicKey: [UInt8]

    let key: PKey
    private let verifyPool: ContextPool

    /// `.es256` for P-256, `.eddsa` for Ed25519, nil for RSA.
    public var algorithm: SignatureAlgorithm? {
        switch kind {
        case .p256: return .es256
        case .ed25519: return .eddsa
        case .rsa: return nil
        }
    }

    /// "PUBLIC KEY" PEM of `spkiDER`.
    public var spkiPEM: String {
        let body = base64(spkiDER)
        var lines = ["-----BEGIN PUBLIC KEY-----"]
        var i = body.startIndex
        while i < body.endIndex {
            let j = body.index(i, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[i..<j]))
            i = j
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Construction

    private init(taking pkey: OpaquePointer, source: String) throws(CryptoError) {
        var owned: OpaquePointer = pkey
        switch Keys.classify(pkey) {
        case .p256:
            // Re-import through one code path so every P-256 key is validated
            // and re-encodes uncompressed.
            guard let point = Keys.ecPoint(pkey) else {
                EVP_PKEY_free(pkey)
                throw .openssl("\(source): P-256 key has no public point")
            }
            EVP_PKEY_free(pkey)
            owned = try Keys.p256Public(point: point)
            kind = .p256
        case .ed25519:
            // Likewise rebuild from the raw bytes so the key is always a
            // provider-native key, however it was decoded.
            guard let raw = Keys.ed25519Raw(pkey) else {
                EVP_PKEY_free(pkey)
                throw .openssl("\(source): cannot read Ed25519 public key")
            }
            EVP_PKEY_free(pkey)
            let rebuilt = raw.withUnsafeBufferPointer {
                EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, $0.baseAddress, 32)
            }
            guard let rebuilt else { throw .openssl("\(source): invalid Ed25519 public key") }
            owned = rebuilt
            kind = .ed25519
        case .rsa(let bits):
            kind = .rsa(bits: bits)
        case .unsupported(let what):
            EVP_PKEY_free(pkey)
            throw .plain("\(source): unsupported public key: \(what); expected P-256, Ed25519 or RSA")
        }
        key = PKey(taking: owned)

        guard let der = Keys.spkiDER(owned) else { throw .openssl("\(source): cannot encode SubjectPublicKeyInfo") }
        spkiDER = der
        switch kind {
        case .p256:
            guard let pt = Keys.ecPoint(owned), pt.count == 65 else { throw .openssl("\(source): cannot encode P-256 point") }
            rawPublicKey = pt
            verifyPool = ContextPool(key: key, operation: .ecdsaVerify)
        case .ed25519:
            guard let raw = Keys.ed25519Raw(owned) else { throw .openssl("\(source): cannot read Ed25519 public key") }
            rawPublicKey = raw
            verifyPool = ContextPool(key: key, operation: .ed25519Verify)
        case .rsa:
            rawPublicKey = der
            verifyPool = ContextPool(key: key, operation: .rsaPSSSHA256Verify)
        }
        if !verifyPool.prefill() {
            if case .rsa = kind {
                // e.g. an RSA-PSS key restricted to other parameters: it loads,
                // but verifyRSAPSSSHA256 will return false.
                OpenSSLErrors.clear()
            } else {
                throw .openssl("\(source): cannot initialise a verification context")
            }
        }
    }

    /// Loads a DER SubjectPublicKeyInfo (P-256, Ed25519 or RSA / RSA-PSS).
    public convenience init(spkiDER: [UInt8]) throws(CryptoError) {
        guard !spkiDER.isEmpty, spkiDER.count <= Int(Int32.max) else {
            throw .plain("SubjectPublicKeyInfo DER is empty")
        }
        var consumed = 0
        let pkey: OpaquePointer? = spkiDER.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            let k = d2i_PUBKEY_ex(nil, &p, buf.count, nil, nil)
            if let p, let base = buf.baseAddress { consumed = p - base }
            return k
        }
        guard let pkey else { throw .openssl("not a valid DER SubjectPublicKeyInfo (\(spkiDER.count) bytes)") }
        guard consumed == spkiDER.count else {
            EVP_PKEY_free(pkey)
            throw .plain("DER SubjectPublicKeyInfo has \(spkiDER.count - consumed) trailing bytes")
        }
        try self.init(taking: pkey, source: "SubjectPublicKeyInfo")
    }

    /// Loads a "-----BEGIN PUBLIC KEY-----" PEM (P-256, Ed25519 or RSA).
    public convenience init(spkiPEM: String) throws(CryptoError) {
        guard spkiPEM.contains("-----BEGIN PUBLIC KEY-----") else {
            let labels = pemLabels(spkiPEM)
            let found = labels.isEmpty ? "no PEM block found" : "found " + labels.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .plain("expected a \"-----BEGIN PUBLIC KEY-----\" PEM block; \(found)")
        }
        let pkey: OpaquePointer?? = withMemoryBIO(spkiPEM) { bio in
            PEM_read_bio_PUBKEY_ex(bio, nil, refusePassword, nil, nil, nil)
        }
        guard let pkey = pkey ?? nil else { throw .openssl("cannot parse PUBLIC KEY PEM") }
        try self.init(taking: pkey, source: "PUBLIC KEY PEM")
    }

    /// A 32-byte raw Ed25519 public key.
    public convenience init(ed25519Raw: [UInt8]) throws(CryptoError) {
        guard ed25519Raw.count == 32 else {
            throw .plain("Ed25519 public key must be 32 bytes, got \(ed25519Raw.count)")
        }
        let pkey = ed25519Raw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, $0.baseAddress, 32)
        }
        guard let pkey else { throw .openssl("invalid Ed25519 public key") }
        try self.init(taking: pkey, source: "Ed25519 public key")
    }

    /// A SEC1 P-256 point: 65-byte uncompressed or 33-byte compressed.
    public convenience init(p256Point: [UInt8]) throws(CryptoError) {
        let pkey = try Keys.p256Public(point: p256Point)
        try self.init(taking: pkey, source: "P-256 public key")
    }

    // MARK: Verification

    /// ES256 (P-256 keys): `signature` is raw r||s, exactly 64 bytes, over
    /// SHA-256(message). EdDSA (Ed25519 keys): pure Ed25519, 64 bytes.
    /// RSA keys: always false. Never throws or traps on bad input.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let pool = verifyPool
        let ok: Bool
        switch kind {
        case .p256:
            ok = signature.withUnsafeBufferPointer { sig in
                withBytes(message) { msg, msgLen in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32 + ECDSASignature.maxDERLength) { tmp in
                        let digest = tmp.baseAddress!
                        let der = digest + 32
                        let derLen = ECDSASignature.rawToDER(sig.baseAddress!, into: der)
                        return pool.withContext { c in
                            sha256(into: digest, mdCtx: c.mdCtx!, msg, msgLen)
                                && EVP_PKEY_verify(c.pkeyCtx, der, derLen, digest, 32) == 1
                        } ?? false
                    }
                }
            }
        case .ed25519:
            ok = signature.withUnsafeBufferPointer { sig in
                withBytes(message) { msg, msgLen in
                    pool.withContext { c in
                        EVP_MD_CTX_copy_ex(c.mdCtx, c.template) == 1
                            && EVP_DigestVerify(c.mdCtx, sig.baseAddress, 64, msg, msgLen) == 1
                    } ?? false
                }
            }
        case .rsa:
            ok = false
        }
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    /// P-256 only: DER-encoded ECDSA signature over SHA-256(message)
    /// (TUF / securesystemslib "ecdsa-sha2-nistp256"). Non-canonical DER is
    /// rejected by OpenSSL.
    public func verifyECDSADER(signature: [UInt8], message: [UInt8]) -> Bool {
        let pool = verifyPool
        guard case .p256 = kind, !signature.isEmpty, signature.count <= ECDSASignature.maxDERLength else { return false }
        let ok = signature.withUnsafeBufferPointer { sig in
            withBytes(message) { msg, msgLen in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { tmp in
                    pool.withContext { c in
                        sha256(into: tmp.baseAddress!, mdCtx: c.mdCtx!, msg, msgLen)
                            && EVP_PKEY_verify(c.pkeyCtx, sig.baseAddress, sig.count, tmp.baseAddress, 32) == 1
                    } ?? false
                }
            }
        }
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    /// RSA only: RSASSA-PSS with SHA-256 and MGF1-SHA-256. The salt length is
    /// auto-detected, so signatures with salt length = 32 (securesystemslib)
    /// and with the maximum salt length both verify.
    public func verifyRSAPSSSHA256(signature: [UInt8], message: [UInt8]) -> Bool {
        guard case .rsa = kind, !signature.isEmpty else { return false }
        let pool = verifyPool
        let ok = signature.withUnsafeBufferPointer { sig in
            withBytes(message) { msg, msgLen in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { tmp in
                    pool.withContext { c in
                        sha256(into: tmp.baseAddress!, mdCtx: c.mdCtx!, msg, msgLen)
                            && EVP_PKEY_verify(c.pkeyCtx, sig.baseAddress, sig.count, tmp.baseAddress, 32) == 1
                    } ?? false
                }
            }
        }
        if !ok { OpenSSLErrors.clear() }
        return ok
    }
}

// MARK: - SigningKey

/// A private key for ES256 (P-256) or EdDSA (Ed25519). Immutable and safe to
/// use from any number of threads at once.
public final class SigningKey: @unchecked Sendable {
    public let algorithm: SignatureAlgorithm
    public let publicKey: VerifyingKey

    private let key: PKey
    private let signPool: ContextPool

    private init(taking pkey: OpaquePointer, source: String) throws(CryptoError) {
        let alg: SignatureAlgorithm
        switch Keys.classify(pkey) {
        case .p256: alg = .es256
        case .ed25519: alg = .eddsa
        case .rsa(let bits):
            EVP_PKEY_free(pkey)
            throw .plain("\(source): found an RSA-\(bits) private key; only P-256 (ES256) and Ed25519 (EdDSA) signing keys are supported")
        case .unsupported(let what):
            EVP_PKEY_free(pkey)
            throw .plain("\(source): found an unsupported \(what); only P-256 (ES256) and Ed25519 (EdDSA) signing keys are supported")
        }
        let owned = PKey(taking: pkey)
        guard let der = Keys.spkiDER(pkey) else { throw .openssl("\(source): cannot derive the public key") }
        self.publicKey = try VerifyingKey(spkiDER: der)
        self.algorithm = alg
        self.key = owned
        self.signPool = ContextPool(key: owned, operation: alg == .es256 ? .ecdsaSign : .ed25519Sign)
        guard signPool.prefill() else { throw .openssl("\(source): cannot initialise a signing context") }
    }

    /// A fresh random key.
    public static func generate(_ alg: SignatureAlgorithm) throws(CryptoError) -> SigningKey {
        let typeName = alg == .es256 ? "EC" : "ED25519"
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw .openssl("cannot create \(typeName) key-generation context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw .openssl("EVP_PKEY_keygen_init failed") }
        if alg == .es256 {
            guard EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1 else { throw .openssl("cannot select curve P-256") }
        }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw .openssl("\(alg.rawValue) key generation failed") }
        return try SigningKey(taking: pkey, source: "generated key")
    }

    /// Loads a PEM private key: PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY".
    /// Detects P-256 vs Ed25519. Encrypted keys and other key types/curves
    /// are rejected with a message naming what was found.
    public convenience init(pem: String) throws(CryptoError) {
        let labels = pemLabels(pem)
        guard !labels.isEmpty else {
            throw .plain("no PEM block found (expected \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN EC PRIVATE KEY-----\")")
        }
        if labels.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw .plain("encrypted private keys are not supported; decrypt the key first")
        }
        // "EC PARAMETERS" may precede the key (openssl ecparam -genkey).
        guard let label = labels.first(where: { $0 == "PRIVATE KEY" || $0 == "EC PRIVATE KEY" }) else {
            let found = labels.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .plain("expected a \"PRIVATE KEY\" or \"EC PRIVATE KEY\" PEM block, found \(found)")
        }
        let pkey: OpaquePointer?? = withMemoryBIO(pem) { bio in
            PEM_read_bio_PrivateKey_ex(bio, nil, refusePassword, nil, nil, nil)
        }
        guard let pkey = pkey ?? nil else { throw .openssl("cannot parse \(label) PEM") }
        if case .p256 = Keys.classify(pkey) {
            // A PEM can carry a public point that does not belong to the
            // private scalar; check the pair once so `publicKey` is trustworthy.
            let check = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil)
            defer { EVP_PKEY_CTX_free(check) }
            guard let check, EVP_PKEY_check(check) == 1 else {
                EVP_PKEY_free(pkey)
                throw .openssl("\(label) PEM: the P-256 key pair is inconsistent or invalid")
            }
        }
        try self.init(taking: pkey, source: "\(label) PEM")
    }

    /// Deterministic Ed25519 key from a 32-byte RFC 8032 secret seed.
    public convenience init(ed25519Seed: [UInt8]) throws(CryptoError) {
        guard ed25519Seed.count == 32 else {
            throw .plain("Ed25519 seed must be 32 bytes, got \(ed25519Seed.count)")
        }
        let pkey = ed25519Seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, $0.baseAddress, 32)
        }
        guard let pkey else { throw .openssl("invalid Ed25519 seed") }
        try self.init(taking: pkey, source: "Ed25519 seed")
    }

    /// Deterministic P-256 key from a 32-byte big-endian private scalar
    /// (1 … n-1). The public point is computed and the pair is validated.
    public convenience init(p256Scalar: [UInt8]) throws(CryptoError) {
        let derived = try Keys.p256PointFromScalar(p256Scalar)
        let pkey = try Keys.p256FromData(point: derived.point, privateScalarNative: derived.native, what: "P-256 private key")
        try self.init(taking: pkey, source: "P-256 scalar")
    }

    /// Unencrypted PKCS#8 "-----BEGIN PRIVATE KEY-----" PEM.
    public var pkcs8PEM: String {
        let pem = writeToMemoryBIO { bio in
            PEM_write_bio_PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil) == 1
        }
        guard let pem else {
            // Only reachable on allocation failure; there is no input to blame.
            fatalError("StampCrypto: PKCS#8 encoding failed (\(OpenSSLErrors.drain()))")
        }
        return pem
    }

    /// ES256: ECDSA P-256 over SHA-256(message), raw 64-byte r||s.
    /// EdDSA: pure Ed25519, 64 bytes.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        switch algorithm {
        case .es256:
            let raw: [UInt8]?? = withBytes(message) { msg, msgLen in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32 + ECDSASignature.maxDERLength) { tmp in
                    let digest = tmp.baseAddress!
                    let der = digest + 32
                    return signPool.withContext { c -> [UInt8]? in
                        var derLen = ECDSASignature.maxDERLength
                        guard sha256(into: digest, mdCtx: c.mdCtx!, msg, msgLen),
                              EVP_PKEY_sign(c.pkeyCtx, der, &derLen, digest, 32) == 1
                        else { return nil }
                        return ECDSASignature.derToRaw(der, derLen)
                    }
                }
            }
            guard let sig = raw ?? nil else { throw .openssl("ES256 signing failed") }
            return sig
        case .eddsa:
            var out = [UInt8](repeating: 0, count: 64)
            let ok: Bool = withBytes(message) { msg, msgLen in
                out.withUnsafeMutableBufferPointer { o in
                    signPool.withContext { c in
                        var len = 64
                        return EVP_MD_CTX_copy_ex(c.mdCtx, c.template) == 1
                            && EVP_DigestSign(c.mdCtx, o.baseAddress, &len, msg, msgLen) == 1
                            && len == 64
                    } ?? false
                }
            }
            guard ok else { throw .openssl("EdDSA signing failed") }
            return out
        }
    }
}

// MARK: - Helpers

/// The labels of all "-----BEGIN X-----" lines, in order.
func pemLabels(_ text: String) -> [String] {
    var labels: [String] = []
    var rest = text[...]
    while let begin = rest.firstRange(of: "-----BEGIN ") {
        guard let end = rest[begin.upperBound...].firstRange(of: "-----") else { break }
        let label = rest[begin.upperBound..<end.lowerBound]
        if !label.contains("\n"), label.count <= 64 { labels.append(String(label)) }
        rest = rest[end.upperBound...]
    }
    return labels
}

private let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Standard padded base64 (for PEM bodies).
func base64(_ data: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity((data.count + 2) / 3 * 4)
    var i = 0
    while i + 3 <= data.count {
        let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
        out.append(base64Alphabet[Int(n >> 18 & 63)])
        out.append(base64Alphabet[Int(n >> 12 & 63)])
        out.append(base64Alphabet[Int(n >> 6 & 63)])
        out.append(base64Alphabet[Int(n & 63)])
        i += 3
    }
    let rest = data.count - i
    if rest > 0 {
        let n = UInt32(data[i]) << 16 | (rest == 2 ? UInt32(data[i + 1]) << 8 : 0)
        out.append(base64Alphabet[Int(n >> 18 & 63)])
        out.append(base64Alphabet[Int(n >> 12 & 63)])
        out.append(rest == 2 ? base64Alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
        out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
}
