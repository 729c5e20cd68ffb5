import COpenSSL

/// One-shot digest with a pre-fetched EVP_MD (no per-call provider fetch).
@inline(__always)
func digest(_ md: OpaquePointer, _ size: Int, _ data: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: size)
    let ok = out.withUnsafeMutableBufferPointer { o in
        EVP_Digest(data, count, o.baseAddress, nil, md, nil) == 1
    }
    // Only allocation failure can make a fetched SHA-2 digest fail.
    precondition(ok, "StampCrypto: EVP_Digest failed (\(OpenSSLErrors.drain()))")
    return out
}

public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ data: [UInt8]) -> [UInt8] {
        withBytes(data) { digest(Fetched.sha256.pointer, 32, $0, $1) }
    }

    public static func hash(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        withBytes(data) { digest(Fetched.sha256.pointer, 32, $0, $1) }
    }
}

public enum SHA512 {
    public static let byteCount = 64

    public static func hash(_ data: [UInt8]) -> [UInt8] {
        withBytes(data) { digest(Fetched.sha512.pointer, 64, $0, $1) }
    }

    public static func hash(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        withBytes(data) { digest(Fetched.sha512.pointer, 64, $0, $1) }
    }
}

/// Streaming digest over an EVP_MD_CTX. Internally locked, so it is Sendable;
/// a single hasher is still a single sequential stream (interleaving updates
/// from several threads gives an order-dependent result).
final class StreamingDigest: @unchecked Sendable {
    private let lock = Lock()
    private let ctx: OpaquePointer
    private let md: OpaquePointer
    private let size: Int

    init(md: OpaquePointer, size: Int) {
        guard let ctx = EVP_MD_CTX_new() else {
            fatalError("StampCrypto: EVP_MD_CTX_new failed (out of memory)")
        }
        self.ctx = ctx
        self.md = md
        self.size = size
        reset()
    }

    deinit { EVP_MD_CTX_free(ctx) }

    private func reset() {
        guard EVP_DigestInit_ex2(ctx, md, nil) == 1 else {
            fatalError("StampCrypto: EVP_DigestInit_ex2 failed (\(OpenSSLErrors.drain()))")
        }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        lock.withLock {
            guard EVP_DigestUpdate(ctx, base, bytes.count) == 1 else {
                fatalError("StampCrypto: EVP_DigestUpdate failed (\(OpenSSLErrors.drain()))")
            }
        }
    }

    func finalize() -> [UInt8] {
        lock.withLock {
            var out = [UInt8](repeating: 0, count: size)
            let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(ctx, $0.baseAddress, nil) == 1 }
            guard ok else { fatalError("StampCrypto: EVP_DigestFinal_ex failed (\(OpenSSLErrors.drain()))") }
            reset()
            return out
        }
    }
}

/// Streaming SHA-256 for large inputs (files). `finalize()` returns the digest
/// of everything fed so far and resets the hasher to the empty state, so it
/// can be reused. Thread-safe (internally locked).
public final class SHA256Hasher: @unchecked Sendable {
    private let impl = StreamingDigest(md: Fetched.sha256.pointer, size: 32)
    public init() {}
    public func update(_ bytes: UnsafeRawBufferPointer) { impl.update(bytes) }
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { impl.update($0) } }
    public func finalize() -> [UInt8] { impl.finalize() }
}

/// Streaming SHA-512; same contract as `SHA256Hasher`.
public final class SHA512Hasher: @unchecked Sendable {
    private let impl = StreamingDigest(md: Fetched.sha512.pointer, size: 64)
    public init() {}
    public func update(_ bytes: UnsafeRawBufferPointer) { impl.update(bytes) }
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { impl.update($0) } }
    public func finalize() -> [UInt8] { impl.finalize() }
}
