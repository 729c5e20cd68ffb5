import COpenSSL

/// AES-256-GCM with a 12-byte IV and a 16-byte tag appended to the ciphertext.
/// The cipher is fetched once per process; each call uses its own
/// EVP_CIPHER_CTX, so calls are safe from any number of threads.
public enum AES256GCM {
    public static let keyByteCount = 32
    public static let ivByteCount = 12
    public static let tagByteCount = 16

    /// Returns ciphertext || 16-byte tag.
    public static func seal(key: [UInt8], iv: [UInt8], plaintext: [UInt8], aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        try checkSizes(key: key, iv: iv)
        guard plaintext.count <= Int(Int32.max) - 16, aad.count <= Int(Int32.max) else {
            throw .plain("AES-256-GCM: input too large")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .openssl("AES-256-GCM: cannot create cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }

        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        let ok: Bool = key.withUnsafeBufferPointer { k in
            iv.withUnsafeBufferPointer { v in
                guard EVP_EncryptInit_ex2(ctx, Fetched.aes256gcm.pointer, k.baseAddress, v.baseAddress, nil) == 1 else { return false }
                var n: Int32 = 0
                if !aad.isEmpty {
                    let r = aad.withUnsafeBufferPointer { a in EVP_EncryptUpdate(ctx, nil, &n, a.baseAddress, Int32(a.count)) }
                    guard r == 1 else { return false }
                }
                return out.withUnsafeMutableBufferPointer { o in
                    var written = 0
                    if !plaintext.isEmpty {
                        let r = plaintext.withUnsafeBufferPointer { p in
                            EVP_EncryptUpdate(ctx, o.baseAddress, &n, p.baseAddress, Int32(p.count))
                        }
                        guard r == 1 else { return false }
                        written = Int(n)
                    }
                    guard EVP_EncryptFinal_ex(ctx, o.baseAddress! + written, &n) == 1 else { return false }
                    written += Int(n)
                    guard written == plaintext.count else { return false }
                    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, o.baseAddress! + written) == 1
                }
            }
        }
        guard ok else { throw .openssl("AES-256-GCM: encryption failed") }
        return out
    }

    /// Verifies the tag and returns the plaintext. Throws "authentication
    /// failed" if the key, IV, AAD, ciphertext or tag do not match.
    public static func open(key: [UInt8], iv: [UInt8], ciphertextAndTag: [UInt8], aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        try checkSizes(key: key, iv: iv)
        guard ciphertextAndTag.count >= 16 else {
            throw .plain("AES-256-GCM: input is \(ciphertextAndTag.count) bytes, shorter than the 16-byte authentication tag")
        }
        guard ciphertextAndTag.count <= Int(Int32.max), aad.count <= Int(Int32.max) else {
            throw .plain("AES-256-GCM: input too large")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .openssl("AES-256-GCM: cannot create cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }

        let ctLen = ciphertextAndTag.count - 16
        var out = [UInt8](repeating: 0, count: ctLen)
        enum Outcome { case ok, setupFailed, authFailed }
        let outcome: Outcome = key.withUnsafeBufferPointer { k in
            iv.withUnsafeBufferPointer { v in
                ciphertextAndTag.withUnsafeBufferPointer { c in
                    guard EVP_DecryptInit_ex2(ctx, Fetched.aes256gcm.pointer, k.baseAddress, v.baseAddress, nil) == 1 else { return .setupFailed }
                    var n: Int32 = 0
                    if !aad.isEmpty {
                        let r = aad.withUnsafeBufferPointer { a in EVP_DecryptUpdate(ctx, nil, &n, a.baseAddress, Int32(a.count)) }
                        guard r == 1 else { return .setupFailed }
                    }
                    return out.withUnsafeMutableBufferPointer { o in
                        var written = 0
                        if ctLen > 0 {
                            guard EVP_DecryptUpdate(ctx, o.baseAddress, &n, c.baseAddress, Int32(ctLen)) == 1 else { return .setupFailed }
                            written = Int(n)
                        }
                        let tag = UnsafeMutableRawPointer(mutating: c.baseAddress! + ctLen)
                        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1 else { return .setupFailed }
                        // Final checks the tag; use a scratch pointer so an empty
                        // plaintext never hands OpenSSL a NULL output address.
                        var scratch: UInt8 = 0
                        let r: Int32 = written < ctLen
                            ? EVP_DecryptFinal_ex(ctx, o.baseAddress! + written, &n)
                            : EVP_DecryptFinal_ex(ctx, &scratch, &n)
                        return r == 1 ? .ok : .authFailed
                    }
                }
            }
        }
        switch outcome {
        case .ok:
            return out
        case .authFailed:
            // Never hand back unauthenticated plaintext.
            for i in out.indices { out[i] = 0 }
            throw .plain("AES-256-GCM: authentication failed (wrong key, IV or AAD, or tampered ciphertext/tag)")
        case .setupFailed:
            for i in out.indices { out[i] = 0 }
            throw .openssl("AES-256-GCM: decryption failed")
        }
    }

    private static func checkSizes(key: [UInt8], iv: [UInt8]) throws(CryptoError) {
        guard key.count == 32 else { throw .plain("AES-256-GCM: key must be 32 bytes, got \(key.count)") }
        guard iv.count == 12 else { throw .plain("AES-256-GCM: IV must be 12 bytes, got \(iv.count)") }
    }
}
