// Internal plumbing shared by the StampCrypto wrappers: locking, OpenSSL error
// draining, algorithm pre-fetching, and pointer helpers.
import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Lock

/// A minimal pthread mutex (portable, no Foundation, no availability gates).
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

// MARK: - OpenSSL error queue

enum OpenSSLErrors {
    /// Pops every entry of this thread's OpenSSL error queue and renders it.
    /// Always leaves the queue empty.
    static func drain() -> String {
        var parts: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            if parts.count >= 8 { continue }  // keep the message readable; still drain
            buffer.withUnsafeMutableBufferPointer { buf in
                ERR_error_string_n(code, buf.baseAddress, buf.count)
            }
            var text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let data, (flags & ERR_TXT_STRING) != 0, data.pointee != 0 {
                text += " (" + String(cString: data) + ")"
            }
            parts.append(text)
        }
        ERR_clear_error()
        return parts.joined(separator: "; ")
    }

    /// Discards the queue (used on `Bool`-returning failure paths).
    @inline(__always)
    static func clear() { ERR_clear_error() }
}

extension CryptoError {
    /// An error whose message is `context`, followed by OpenSSL's error queue
    /// (if any). Drains the queue.
    static func openssl(_ context: String) -> CryptoError {
        let queue = OpenSSLErrors.drain()
        return CryptoError(queue.isEmpty ? context : context + " [OpenSSL: " + queue + "]")
    }

    /// An error that does not come from OpenSSL; still clears the queue so
    /// stale entries never leak into a later message.
    static func plain(_ message: String) -> CryptoError {
        OpenSSLErrors.clear()
        return CryptoError(message)
    }
}

// MARK: - Pre-fetched algorithms (fetched once per process, thread-safe lazy init)

/// Immutable pointer to an OpenSSL object that is safe to share once created
/// (fetched EVP_MD / EVP_CIPHER / EVP_KDF are reference counted, immutable).
struct SharedHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

enum Fetched {
    static let sha256: SharedHandle = fetchMD("SHA256")
    static let sha512: SharedHandle = fetchMD("SHA512")
    static let aes256gcm: SharedHandle = {
        guard let c = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            fatalError("StampCrypto: OpenSSL has no AES-256-GCM (\(OpenSSLErrors.drain()))")
        }
        return SharedHandle(pointer: c)
    }()
    static let hkdf: SharedHandle = {
        guard let k = EVP_KDF_fetch(nil, "HKDF", nil) else {
            fatalError("StampCrypto: OpenSSL has no HKDF (\(OpenSSLErrors.drain()))")
        }
        return SharedHandle(pointer: k)
    }()

    private static func fetchMD(_ name: String) -> SharedHandle {
        // The default provider always has these; failure means a broken install.
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            fatalError("StampCrypto: OpenSSL has no \(name) (\(OpenSSLErrors.drain()))")
        }
        return SharedHandle(pointer: md)
    }
}

// MARK: - Pointer helpers

/// A byte that gives empty inputs a valid, non-NULL address: several OpenSSL
/// entry points (OSSL_PARAM octet strings, one-shot signatures) reject NULL
/// even when the length is zero.
nonisolated(unsafe) private let emptyByte: UnsafeMutablePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
}()

@inline(__always)
func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buf in
        try body(buf.baseAddress ?? UnsafePointer(emptyByte), buf.count)
    }
}

@inline(__always)
func withBytes<R>(_ raw: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if let base = raw.baseAddress, raw.count > 0 {
        return try body(base.assumingMemoryBound(to: UInt8.self), raw.count)
    }
    return try body(UnsafePointer(emptyByte), 0)
}

/// OSSL_PARAM keys must outlive the parameter array, so they come from static
/// string literals. The explicit NUL makes termination independent of how the
/// compiler lays out literals.
@inline(__always)
func paramKey(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Reads a memory BIO's contents as a String.
func bioString(_ bio: OpaquePointer) -> String? {
    var ptr: UnsafeMutablePointer<CChar>? = nil
    let len = sw_bio_get_mem_data(bio, &ptr)
    guard len > 0, let ptr else { return nil }
    let buf = UnsafeRawBufferPointer(start: ptr, count: Int(len))
    return String(decoding: buf, as: UTF8.self)
}
