import COpenSSL

// MARK: - Owned EVP_PKEY

/// Owns one reference to an EVP_PKEY. EVP_PKEYs are safe to share between
/// threads for read-only operations (sign/verify/encode); nothing mutates the
/// key after construction.
final class PKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of one reference.
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }
}

// MARK: - Per-key pool of initialised operation contexts

/// One pooled context set. Which fields are used depends on the operation.
struct OpContext {
    /// ECDSA / RSA-PSS: EVP_PKEY_CTX initialised for sign/verify.
    var pkeyCtx: OpaquePointer?
    /// ECDSA / RSA-PSS: EVP_MD_CTX used to hash the message (SHA-256).
    /// Ed25519: the working EVP_MD_CTX for one-shot EVP_DigestSign/Verify.
    var mdCtx: OpaquePointer?
    /// Ed25519: a DigestSign/VerifyInit'ed template, copied into `mdCtx`
    /// before every operation (EVP_MD_CTX_copy_ex, ~0.1 µs). This avoids both
    /// the ~2 µs fresh init (provider fetch + allocations) and relying on the
    /// reuse of a one-shot context after it finished, which OpenSSL does not
    /// promise.
    var template: OpaquePointer?
}

/// A small lock-protected pool of contexts initialised once for one key and
/// one operation. A context is only ever used by one thread at a time; the
/// lock is held just to pop/push, never during the cryptographic operation.
final class ContextPool: @unchecked Sendable {
    enum Operation { case ecdsaVerify, ecdsaSign, ed25519Verify, ed25519Sign, rsaPSSSHA256Verify }

    private let key: PKey
    private let operation: Operation
    private let lock = Lock()
    private var idle: [OpContext] = []
    private static let maxIdle = 32

    init(key: PKey, operation: Operation) {
        self.key = key
        self.operation = operation
    }

    deinit {
        for c in idle { ContextPool.free(c) }
    }

    /// Creates one context now and parks it in the pool. Done at key
    /// construction, single-threaded, so set-up problems surface as errors
    /// there (and any lazy key export to the provider happens before the key
    /// is shared).
    func prefill() -> Bool {
        guard let c = make() else { return false }
        release(c)
        return true
    }

    /// Runs `body` with an exclusive context; nil if one could not be made
    /// (allocation failure). The OpenSSL error queue is left to the caller.
    @inline(__always)
    func withContext<R>(_ body: (OpContext) -> R) -> R? {
        guard let ctx = acquire() else { return nil }
        let result = body(ctx)
        release(ctx)
        return result
    }

    private func acquire() -> OpContext? {
        if let c = lock.withLock({ idle.popLast() }) { return c }
        return make()
    }

    private func release(_ c: OpContext) {
        let kept: Bool = lock.withLock {
            if idle.count < ContextPool.maxIdle {
                idle.append(c)
                return true
            }
            return false
        }
        if !kept { ContextPool.free(c) }
    }

    private func make() -> OpContext? {
        var c = OpContext()
        switch operation {
        case .ecdsaVerify, .ecdsaSign:
            guard let p = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else { return nil }
            c.pkeyCtx = p
            let initOK = operation == .ecdsaVerify ? EVP_PKEY_verify_init(p) : EVP_PKEY_sign_init(p)
            guard initOK == 1, let md = EVP_MD_CTX_new() else {
                ContextPool.free(c)
                return nil
            }
            c.mdCtx = md
        case .rsaPSSSHA256Verify:
            guard let p = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else { return nil }
            c.pkeyCtx = p
            guard EVP_PKEY_verify_init(p) == 1,
                  sw_evp_pkey_ctx_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_signature_md(p, Fetched.sha256.pointer) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(p, Fetched.sha256.pointer) == 1,
                  // AUTO on verify accepts any salt length, including the
                  // digest length used by securesystemslib.
                  sw_evp_pkey_ctx_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_AUTO) == 1,
                  let md = EVP_MD_CTX_new()
            else {
                ContextPool.free(c)
                return nil
            }
            c.mdCtx = md
        case .ed25519Verify, .ed25519Sign:
            guard let t = EVP_MD_CTX_new() else { return nil }
            c.template = t
            let initOK = operation == .ed25519Verify
                ? EVP_DigestVerifyInit_ex(t, nil, nil, nil, nil, key.pointer, nil)
                : EVP_DigestSignInit_ex(t, nil, nil, nil, nil, key.pointer, nil)
            guard initOK == 1, let w = EVP_MD_CTX_new() else {
                ContextPool.free(c)
                return nil
            }
            c.mdCtx = w
        }
        return c
    }

    private static func free(_ c: OpContext) {
        if let p = c.pkeyCtx { EVP_PKEY_CTX_free(p) }
        if let m = c.mdCtx { EVP_MD_CTX_free(m) }
        if let t = c.template { EVP_MD_CTX_free(t) }
    }
}

// MARK: - Hash into a caller buffer with a pooled EVP_MD_CTX

@inline(__always)
func sha256(into out: UnsafeMutablePointer<UInt8>, mdCtx: OpaquePointer, _ msg: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    EVP_DigestInit_ex2(mdCtx, Fetched.sha256.pointer, nil) == 1
        && EVP_DigestUpdate(mdCtx, msg, count) == 1
        && EVP_DigestFinal_ex(mdCtx, out, nil) == 1
}

// MARK: - ECDSA signature encodings

enum ECDSASignature {
    /// Largest DER encoding of a P-256 ECDSA-Sig-Value.
    static let maxDERLength = 72

    /// Encodes raw r||s (2 × 32 bytes, big-endian) as a DER
    /// `SEQUENCE { INTEGER r, INTEGER s }` into `out` (capacity ≥ 72) and
    /// returns its length. This is pure ASN.1 framing (minimal INTEGER
    /// encoding), done by hand on the stack because it is on the hot verify
    /// path; OpenSSL's ECDSA verification re-checks that the DER is canonical
    /// and that 0 < r, s < n.
    @inline(__always)
    static func rawToDER(_ raw: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        @inline(__always)
        func integer(_ p: UnsafePointer<UInt8>, into o: UnsafeMutablePointer<UInt8>) -> Int {
            var start = 0
            while start < 31 && p[start] == 0 { start += 1 }
            let pad = p[start] & 0x80 != 0 ? 1 : 0
            let len = 32 - start + pad
            o[0] = 0x02
            o[1] = UInt8(len)
            if pad == 1 { o[2] = 0 }
            (o + 2 + pad).update(from: p + start, count: 32 - start)
            return 2 + len
        }
        out[0] = 0x30
        let a = integer(raw, into: out + 2)
        let b = integer(raw + 32, into: out + 2 + a)
        out[1] = UInt8(a + b)  // ≤ 70, so the short length form always applies
        return 2 + a + b
    }

    /// DER → raw r||s (64 bytes) using ECDSA_SIG (d2i + BN_bn2binpad).
    static func derToRaw(_ der: UnsafePointer<UInt8>, _ count: Int) -> [UInt8]? {
        var p: UnsafePointer<UInt8>? = der
        guard let sig = d2i_ECDSA_SIG(nil, &p, count) else { return nil }
        defer { ECDSA_SIG_free(sig) }
        guard p == der + count else { return nil }  // trailing garbage
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(sig, &r, &s)
        guard let r, let s else { return nil }
        var out = [UInt8](repeating: 0, count: 64)
        let ok = out.withUnsafeMutableBufferPointer { o in
            BN_bn2binpad(r, o.baseAddress, 32) == 32 && BN_bn2binpad(s, o.baseAddress! + 32, 32) == 32
        }
        return ok ? out : nil
    }
}

// MARK: - Key inspection and construction

enum KeyKind {
    case p256, ed25519, rsa(bits: Int), unsupported(String)
}

// EVP_PKEY_PUBLIC_KEY / EVP_PKEY_KEYPAIR are nested macro expressions that
// Swift does not import; spelled out from the OSSL_KEYMGMT_SELECT_* bits.
let evpPKeyPublicKey: Int32 = OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
let evpPKeyKeypair: Int32 = evpPKeyPublicKey | OSSL_KEYMGMT_SELECT_PRIVATE_KEY

enum Keys {
    static let p256GroupName = "prime256v1"

    /// What kind of key this is, with a readable description for rejections.
    static func classify(_ pkey: OpaquePointer) -> KeyKind {
        if EVP_PKEY_is_a(pkey, "ED25519") == 1 { return .ed25519 }
        if EVP_PKEY_is_a(pkey, "EC") == 1 {
            guard let group = groupName(pkey) else {
                return .unsupported("EC key with explicit curve parameters (only the named curve P-256 is supported)")
            }
            if group == p256GroupName || group == "P-256" || group == "secp256r1" { return .p256 }
            return .unsupported("EC key on curve \(group) (only P-256/prime256v1 is supported)")
        }
        if EVP_PKEY_is_a(pkey, "RSA") == 1 || EVP_PKEY_is_a(pkey, "RSA-PSS") == 1 {
            return .rsa(bits: Int(EVP_PKEY_get_bits(pkey)))
        }
        let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
        return .unsupported("\(name) key")
    }

    static func groupName(_ pkey: OpaquePointer) -> String? {
        var buf = [CChar](repeating: 0, count: 80)
        var len = 0
        let ok = buf.withUnsafeMutableBufferPointer { EVP_PKEY_get_group_name(pkey, $0.baseAddress, $0.count, &len) }
        guard ok == 1 else {
            OpenSSLErrors.clear()
            return nil
        }
        return String(decoding: buf.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The EC public point as stored (uncompressed or compressed).
    static func ecPoint(_ pkey: OpaquePointer) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: 133)
        var len = 0
        let ok = buf.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_octet_string_param(pkey, "encoded-pub-key", $0.baseAddress, $0.count, &len)
        }
        guard ok == 1, len > 0 else {
            OpenSSLErrors.clear()
            return nil
        }
        return Array(buf.prefix(len))
    }

    static func ed25519Raw(_ pkey: OpaquePointer) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: 32)
        var len = 32
        let ok = buf.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &len) }
        guard ok == 1, len == 32 else {
            OpenSSLErrors.clear()
            return nil
        }
        return buf
    }

    static func spkiDER(_ pkey: OpaquePointer) -> [UInt8]? {
        let len = i2d_PUBKEY(pkey, nil)
        guard len > 0 else {
            OpenSSLErrors.clear()
            return nil
        }
        var out = [UInt8](repeating: 0, count: Int(len))
        let written = out.withUnsafeMutableBufferPointer { b -> Int32 in
            var p: UnsafeMutablePointer<UInt8>? = b.baseAddress
            return i2d_PUBKEY(pkey, &p)
        }
        guard written == len else {
            OpenSSLErrors.clear()
            return nil
        }
        return out
    }

    /// Builds a P-256 public key from a SEC1 point (65-byte uncompressed or
    /// 33-byte compressed). The key always re-encodes uncompressed. The point
    /// is validated (on the curve, not infinity).
    static func p256Public(point: [UInt8]) throws(CryptoError) -> OpaquePointer {
        let valid = (point.count == 65 && point.first == 0x04)
            || (point.count == 33 && (point.first == 0x02 || point.first == 0x03))
        guard valid else {
            throw .plain("P-256 public key must be a 65-byte uncompressed (04…) or 33-byte compressed (02…/03…) SEC1 point, got \(point.count) bytes" + (point.isEmpty ? "" : " starting with 0x" + Hex.encode([point[0]])))
        }
        return try p256FromData(point: point, privateScalarNative: nil, what: "P-256 public key")
    }

    /// EVP_PKEY_fromdata for an EC P-256 key. `privateScalarNative` is the
    /// scalar in native byte order (OSSL_PARAM BN convention).
    static func p256FromData(point: [UInt8], privateScalarNative: [UInt8]?, what: String) throws(CryptoError) -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openssl("\(what): cannot create EC context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw .openssl("\(what): EVP_PKEY_fromdata_init failed") }

        var pkey: OpaquePointer? = nil
        var priv = privateScalarNative ?? []
        defer { for i in priv.indices { priv[i] = 0 } }
        let ok: Int32 = point.withUnsafeBufferPointer { pt in
            priv.withUnsafeMutableBufferPointer { pv in
                let group: StaticString = "prime256v1\0"
                let format: StaticString = "uncompressed\0"
                var params: [OSSL_PARAM] = [
                    OSSL_PARAM_construct_utf8_string(paramKey("group\0"), UnsafeMutableRawPointer(mutating: group.utf8Start).assumingMemoryBound(to: CChar.self), 0),
                    OSSL_PARAM_construct_octet_string(paramKey("pub\0"), UnsafeMutableRawPointer(mutating: pt.baseAddress), pt.count),
                    OSSL_PARAM_construct_utf8_string(paramKey("point-format\0"), UnsafeMutableRawPointer(mutating: format.utf8Start).assumingMemoryBound(to: CChar.self), 0),
                ]
                if pv.count > 0 {
                    params.append(OSSL_PARAM_construct_BN(paramKey("priv\0"), pv.baseAddress, pv.count))
                }
                params.append(OSSL_PARAM_construct_end())
                let selection = pv.count > 0 ? evpPKeyKeypair : evpPKeyPublicKey
                return params.withUnsafeMutableBufferPointer { p in
                    EVP_PKEY_fromdata(ctx, &pkey, selection, p.baseAddress)
                }
            }
        }
        guard ok == 1, let pkey else { throw .openssl("\(what): invalid P-256 key material") }

        // Full validation once at load time (point on curve, correct order;
        // for key pairs also that the private scalar matches the point).
        guard let check = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            EVP_PKEY_free(pkey)
            throw .openssl("\(what): cannot create check context")
        }
        defer { EVP_PKEY_CTX_free(check) }
        let valid = privateScalarNative == nil ? EVP_PKEY_public_check(check) : EVP_PKEY_check(check)
        guard valid == 1 else {
            EVP_PKEY_free(pkey)
            throw .openssl("\(what): key failed validation")
        }
        return pkey
    }

    /// Computes the public point d·G for a P-256 private scalar with the
    /// (non-deprecated) EC_GROUP/EC_POINT API: OpenSSL 3.0's
    /// EVP_PKEY_fromdata does not derive the public key from "priv" alone.
    /// Returns (uncompressed point, scalar in native byte order).
    static func p256PointFromScalar(_ scalar: [UInt8]) throws(CryptoError) -> (point: [UInt8], native: [UInt8]) {
        guard scalar.count == 32 else {
            throw .plain("P-256 private scalar must be 32 bytes, got \(scalar.count)")
        }
        guard let group = EC_GROUP_new_by_curve_name_ex(nil, nil, NID_X9_62_prime256v1) else {
            throw .openssl("P-256: cannot create curve group")
        }
        defer { EC_GROUP_free(group) }
        guard let bnctx = BN_CTX_new() else { throw .openssl("P-256: BN_CTX_new failed") }
        defer { BN_CTX_free(bnctx) }
        let d: OpaquePointer? = scalar.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, 32, nil) }
        guard let d else { throw .openssl("P-256: BN_bin2bn failed") }
        defer { BN_clear_free(d) }
        guard let order = EC_GROUP_get0_order(group) else { throw .openssl("P-256: no group order") }
        guard BN_is_zero(d) == 0, BN_cmp(d, order) < 0 else {
            throw .plain("P-256 private scalar must be in the range 1 … n-1")
        }
        guard let pt = EC_POINT_new(group) else { throw .openssl("P-256: EC_POINT_new failed") }
        defer { EC_POINT_free(pt) }
        guard EC_POINT_mul(group, pt, d, nil, nil, bnctx) == 1 else {
            throw .openssl("P-256: computing the public point failed")
        }
        var point = [UInt8](repeating: 0, count: 65)
        let n = point.withUnsafeMutableBufferPointer {
            EC_POINT_point2oct(group, pt, POINT_CONVERSION_UNCOMPRESSED, $0.baseAddress, 65, bnctx)
        }
        guard n == 65 else { throw .openssl("P-256: encoding the public point failed") }
        var native = [UInt8](repeating: 0, count: 32)
        let m = native.withUnsafeMutableBufferPointer { BN_bn2nativepad(d, $0.baseAddress, 32) }
        guard m == 32 else { throw .openssl("P-256: scalar conversion failed") }
        return (point, native)
    }
}

/// PEM password callback that refuses: encrypted keys fail instead of
/// prompting on the terminal.
let refusePassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in
    -1
}

/// Runs `body` with a read-only memory BIO over `text`.
func withMemoryBIO<R>(_ text: String, _ body: (OpaquePointer) -> R) -> R? {
    var bytes = Array(text.utf8)
    if bytes.isEmpty { bytes = [0] }
    return bytes.withUnsafeBufferPointer { buf -> R? in
        guard buf.count <= Int(Int32.max), let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else { return nil }
        defer { BIO_free(bio) }
        return body(bio)
    }
}

/// Runs `body` with a writable memory BIO and returns its contents.
func writeToMemoryBIO(_ body: (OpaquePointer) -> Bool) -> String? {
    guard let method = BIO_s_mem(), let bio = BIO_new(method) else { return nil }
    defer { BIO_free(bio) }
    guard body(bio) else { return nil }
    return bioString(bio)
}
