import Foundation

/// A few idle easy handles kept for reuse, so repeated requests reuse open connections and TLS sessions —
/// on 2G a fresh TLS handshake costs seconds.
///
/// A handle is only reused for a request with the same TLS trust settings (CA file and pin). libcurl 7.88
/// already refuses to reuse a connection made under a different pin (checked in `TLSTests`); keying the pool
/// keeps that guarantee independent of the libcurl version, since a pin is checked during the handshake only.
/// Thread-safe; a handle is out of the pool while a transfer uses it.
final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [EasyHandle] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// A reset handle whose cached connections were made under `securityKey`, or a new one.
    func take(securityKey: String) throws(HTTPError) -> EasyHandle {
        let reused: EasyHandle? = lock.withLock {
            guard let index = idle.lastIndex(where: { $0.securityKey == securityKey }) else { return nil }
            return idle.remove(at: index)
        }
        let handle: EasyHandle
        if let reused { handle = reused } else { handle = try EasyHandle() }
        handle.securityKey = securityKey
        try handle.reset()
        return handle
    }

    /// Returns a handle after a transfer; beyond capacity the oldest is closed.
    func give(_ handle: EasyHandle) {
        let dropped: EasyHandle? = lock.withLock {
            idle.append(handle)
            return idle.count > capacity ? idle.removeFirst() : nil
        }
        _ = dropped  // released outside the lock: curl_easy_cleanup may block on closing connections
    }
}
