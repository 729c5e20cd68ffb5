/// Fetches repository files by URL. The TUF client needs nothing else from the network (or the
/// USB stick): one call per file, bounded in length.
///
/// Contract for implementations:
/// - Never return more than `maxLength` bytes, and never buffer more than about `maxLength + 1`:
///   stop reading as soon as the source offers more and throw `lengthExceeded`. A repository (or
///   an attacker in between) may serve endless data.
/// - Throw `notFound` exactly when the file does not exist (HTTP 404, and 403 as object stores
///   answer for missing keys; ENOENT for files): the root rotation ends on it, so any other failure
///   must not be reported as `notFound`.
/// - Redirects, retries, timeouts and TLS are the implementation's business; the bytes returned
///   are verified by the caller against signed metadata, never trusted as they come.
public protocol TUFTransport {
    func fetch(_ url: String, maxLength: Int) throws(TUFTransportError) -> [UInt8]
}

/// Why a fetch failed.
public enum TUFTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist at `url` (HTTP 404/403, no such file).
    case notFound(url: String)
    /// The source offered more than `limit` bytes; reading stopped there.
    case lengthExceeded(url: String, limit: Int)
    /// The URL is not one this transport handles (scheme, host, or a path it refuses).
    case unsupportedURL(url: String, reason: String)
    /// An HTTP status other than success or not-found.
    case httpStatus(url: String, status: Int)
    /// Any other failure (I/O error, timeout, TLS, connection), in the transport's words.
    case failed(url: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(url): return "not found: \(url)"
        case let .lengthExceeded(url, limit): return "\(url) is longer than the limit of \(limit) bytes (reading stopped at the limit)"
        case let .unsupportedURL(url, reason): return "cannot fetch \(url): \(reason)"
        case let .httpStatus(url, status): return "HTTP status \(status) for \(url)"
        case let .failed(url, reason): return "\(url): \(reason)"
        }
    }
}
