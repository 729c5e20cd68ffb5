import COpenSSL

// MARK: - Random

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`).
public enum SecureRandom {
    /// Returns `count` random bytes (`[]` for `count <= 0`).
    ///
    /// - Important: traps if OpenSSL cannot produce random bytes, which only
    ///   happens when the operating-system entropy source is broken; there is
    ///   no safe way to continue without randomness.
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buf in
            var offset = 0
            while offset < count {
                let chunk = min(count - offset, Int(Int32.max))
                guard RAND_bytes(buf.baseAddress! + offset, Int32(chunk)) == 1 else {
                    fatalError("StampCrypto: RAND_bytes failed; the OS random source is unusable (\(OpenSSLErrors.drain()))")
                }
                offset += chunk
            }
        }
        return out
    }
}

// MARK: - Hex

public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hexadecimal.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes upper- or lowercase hex. Returns nil for odd length or any
    /// non-hex character (no whitespace or "0x" prefix allowed).
    public static func decode(_ s: String) -> [UInt8]? {
        let utf8 = Array(s.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

// MARK: - Version

public enum OpenSSLInfo {
    /// The runtime libcrypto version, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var version: String {
        guard let v = sw_openssl_version() else { return "unknown" }
        return String(cString: v)
    }
}

// MARK: - HKDF

public enum HKDF {
    /// HKDF-SHA-256 (RFC 5869, extract-and-expand) via `EVP_KDF` "HKDF".
    /// `length` must be 0...8160 (255 × 32); 0 returns `[]`.
    public static func sha256(ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length >= 0, length <= 255 * 32 else {
            throw .plain("HKDF-SHA256: output length \(length) out of range 0...8160")
        }
        if length == 0 { return [] }
        guard let kctx = EVP_KDF_CTX_new(Fetched.hkdf.pointer) else {
            throw .openssl("HKDF-SHA256: cannot create KDF context")
        }
        defer { EVP_KDF_CTX_free(kctx) }
        var out = [UInt8](repeating: 0, count: length)
        let ok: Bool = withBytes(ikm) { ikmP, ikmN in
            withBytes(salt) { saltP, saltN in
                withBytes(info) { infoP, infoN in
                    let digestName: StaticString = "SHA256\0"
                    var params: [OSSL_PARAM] = [
                        OSSL_PARAM_construct_utf8_string(
                            paramKey("digest\0"),
                            UnsafeMutableRawPointer(mutating: digestName.utf8Start).assumingMemoryBound(to: CChar.self), 0),
                        OSSL_PARAM_construct_octet_string(paramKey("key\0"), UnsafeMutableRawPointer(mutating: ikmP), ikmN),
                    ]
                    // An absent salt is, per RFC 5869, HashLen zero bytes, which
                    // OpenSSL also uses when no salt is given.
                    if saltN > 0 {
                        params.append(OSSL_PARAM_construct_octet_string(paramKey("salt\0"), UnsafeMutableRawPointer(mutating: saltP), saltN))
                    }
                    if infoN > 0 {
                        params.append(OSSL_PARAM_construct_octet_string(paramKey("info\0"), UnsafeMutableRawPointer(mutating: infoP), infoN))
                    }
                    params.append(OSSL_PARAM_construct_end())
                    return out.withUnsafeMutableBufferPointer { o in
                        params.withUnsafeBufferPointer { p in
                            EVP_KDF_derive(kctx, o.baseAddress, o.count, p.baseAddress) == 1
                        }
                    }
                }
            }
        }
        guard ok else { throw .openssl("HKDF-SHA256 derivation failed") }
        return out
    }
}
